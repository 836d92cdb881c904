//! Fields: the names rules, filters and formats use to read an event
//! (`evt.type`, `proc.name`, `fd.name`, ...).
//!
//! The [`Registry`] lists every field class with each field's type,
//! description and argument rule. It is open: plugins and built-in sources
//! add their own classes through [`Registry::add_class`]. A field name is
//! resolved once into a [`Field`], which extracts a [`Value`] per event.

mod event;
mod fd;
mod global;
mod table;
mod thread;

use std::borrow::Cow;
use std::fmt;

use peregrine_libscap::event::Event;

use crate::state::{EventState, State};
pub use table::BUILTIN_CLASSES;

/// An extracted value; `Na` is sysdig's `<NA>`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// No value.
    Na,
    /// Text.
    Str(Cow<'a, str>),
    /// A signed number.
    Int(i64),
    /// An unsigned number.
    Uint(u64),
    /// A boolean.
    Bool(bool),
}

impl Value<'_> {
    /// Whether there is no value.
    pub fn is_na(&self) -> bool {
        matches!(self, Value::Na)
    }

    /// The value as owned, for keeping beyond the event.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Na => Value::Na,
            Value::Str(s) => Value::Str(Cow::Owned(s.into_owned())),
            Value::Int(v) => Value::Int(v),
            Value::Uint(v) => Value::Uint(v),
            Value::Bool(v) => Value::Bool(v),
        }
    }
}

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Na => f.write_str("<NA>"),
            Value::Str(s) => f.write_str(s),
            Value::Int(v) => write!(f, "{v}"),
            Value::Uint(v) => write!(f, "{v}"),
            Value::Bool(v) => f.write_str(if *v { "true" } else { "false" }),
        }
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(s: &'a str) -> Self {
        Value::Str(Cow::Borrowed(s))
    }
}

impl From<String> for Value<'_> {
    fn from(s: String) -> Self {
        Value::Str(Cow::Owned(s))
    }
}

/// The type of a field, named as Falco's field listings name it.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    CharBuf,
    Int64,
    Uint64,
    Uint32,
    Bool,
    RelTime,
    AbsTime,
    IpAddr,
    Port,
    Pid,
    Bytes,
}

impl FieldType {
    /// The name Falco gives the type.
    pub fn name(self) -> &'static str {
        match self {
            FieldType::CharBuf => "CHARBUF",
            FieldType::Int64 => "INT64",
            FieldType::Uint64 => "UINT64",
            FieldType::Uint32 => "UINT32",
            FieldType::Bool => "BOOL",
            FieldType::RelTime => "RELTIME",
            FieldType::AbsTime => "ABSTIME",
            FieldType::IpAddr => "IPADDR",
            FieldType::Port => "PORT",
            FieldType::Pid => "PID",
            FieldType::Bytes => "BYTEBUF",
        }
    }
}

/// What argument a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgRule {
    /// None.
    None,
    /// An optional number in brackets (`proc.aname[2]`).
    OptionalIndex,
    /// A required name or index (`evt.arg.name`, `evt.arg[0]`).
    Required,
}

/// One field of a class.
#[derive(Debug, Clone, Copy)]
pub struct FieldInfo {
    /// Full name, such as `proc.name`.
    pub name: &'static str,
    /// Value type.
    pub ty: FieldType,
    /// What the field means.
    pub desc: &'static str,
    /// Argument rule.
    pub arg: ArgRule,
    id: table::Id,
}

/// A class of fields (`evt`, `proc`, `fd`, ...).
#[derive(Debug, Clone)]
pub struct FieldClass {
    /// Class name.
    pub name: &'static str,
    /// What the class describes.
    pub desc: &'static str,
    /// Its fields.
    pub fields: Vec<FieldInfo>,
}

/// Why a field name does not resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// No class has the field; the closest known name, if one is close.
    #[error("unknown field '{0}'{hint}", hint = did_you_mean(.1))]
    Unknown(String, Option<String>),
    /// The argument does not fit the field.
    #[error("field '{field}': {msg}")]
    BadArg {
        /// The field.
        field: String,
        /// What is wrong.
        msg: String,
    },
}

/// The argument a resolved field carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// None.
    None,
    /// A number.
    Index(usize),
    /// A name.
    Name(String),
}

/// A field resolved from its name, ready to extract.
#[derive(Debug, Clone)]
pub struct Field {
    /// The field's description.
    pub info: FieldInfo,
    /// Its argument.
    pub arg: Arg,
    /// The text it was resolved from, as formats print it.
    pub text: String,
    /// For `Global.EventValue[key]`: the domain field the key names.
    pub inner: Option<Box<Field>>,
}

/// All field classes.
#[derive(Debug, Clone)]
pub struct Registry {
    classes: Vec<FieldClass>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry::builtin()
    }
}

impl Registry {
    /// The built-in classes of the system-call source.
    pub fn builtin() -> Registry {
        Registry {
            classes: table::classes(),
        }
    }

    /// Adds a class (from a plugin or a built-in source).
    pub fn add_class(&mut self, class: FieldClass) {
        self.classes.push(class);
    }

    /// Every class.
    pub fn classes(&self) -> &[FieldClass] {
        &self.classes
    }

    /// Resolves `text` (`proc.aname[2]`, `evt.arg.flags`, `evt.arg[0]`).
    ///
    /// # Errors
    ///
    /// Fails for an unknown field or an argument the field does not take.
    pub fn resolve(&self, text: &str) -> Result<Field, FieldError> {
        let (name, arg) = split_arg(text);
        let info = self
            .lookup(name, arg.is_some())
            .ok_or_else(|| FieldError::Unknown(text.to_string(), self.closest(name)))?;
        let (info, arg) = match (info, arg) {
            (Lookup::Exact(i), Some(a)) => (i, parse_arg(i, a)?),
            (Lookup::Exact(i), None) if i.arg == ArgRule::Required => {
                return Err(FieldError::BadArg {
                    field: text.into(),
                    msg: "this field requires an argument".into(),
                })
            }
            (Lookup::Exact(i), None) => (i, Arg::None),
            (Lookup::Dotted(i, a), _) => (i, Arg::Name(a.to_string())),
        };
        let inner = match (&arg, info.id) {
            (Arg::Name(key), table::Id::GlobalEventValue) => Some(Box::new(self.resolve_key(key)?)),
            _ => None,
        };
        Ok(Field {
            info: *info,
            arg,
            text: text.to_string(),
            inner,
        })
    }

    /// The field a `Global.EventValue[key]` key names: a field of the
    /// domain (`proc.name`), or an argument of the event (`flags`).
    fn resolve_key(&self, key: &str) -> Result<Field, FieldError> {
        if key.contains('.') {
            self.resolve(key)
        } else {
            self.resolve(&format!("evt.arg.{key}"))
        }
    }

    /// The known field name closest to `name`, within two edits.
    fn closest(&self, name: &str) -> Option<String> {
        self.classes
            .iter()
            .flat_map(|c| c.fields.iter())
            .map(|f| (edit_distance(f.name, name), f.name))
            .filter(|(d, _)| *d <= 2)
            .min()
            .map(|(_, n)| n.to_string())
    }

    fn lookup<'s, 'n>(&'s self, name: &'n str, has_arg: bool) -> Option<Lookup<'s, 'n>> {
        let all = || self.classes.iter().flat_map(|c| c.fields.iter());
        if let Some(i) = all().find(|f| f.name == name) {
            return Some(Lookup::Exact(i));
        }
        // `evt.arg.NAME`: the longest field that is a dotted prefix.
        if has_arg {
            return None;
        }
        all()
            .filter(|f| f.arg == ArgRule::Required)
            .filter_map(|f| {
                let rest = name.strip_prefix(f.name)?.strip_prefix('.')?;
                (!rest.is_empty()).then_some(Lookup::Dotted(f, rest))
            })
            .next()
    }
}

enum Lookup<'s, 'n> {
    Exact(&'s FieldInfo),
    Dotted(&'s FieldInfo, &'n str),
}

fn did_you_mean(s: &Option<String>) -> String {
    s.as_ref()
        .map_or(String::new(), |s| format!(" (did you mean '{s}'?)"))
}

/// Levenshtein distance, with a transposition counting as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

fn split_arg(text: &str) -> (&str, Option<&str>) {
    match text.split_once('[') {
        Some((name, rest)) => (name, Some(rest.strip_suffix(']').unwrap_or(rest))),
        None => (text, None),
    }
}

fn parse_arg(info: &FieldInfo, a: &str) -> Result<Arg, FieldError> {
    let bad = |msg: &str| FieldError::BadArg {
        field: info.name.into(),
        msg: msg.into(),
    };
    match info.arg {
        ArgRule::None => Err(bad("this field takes no argument")),
        ArgRule::OptionalIndex => a
            .parse()
            .map(Arg::Index)
            .map_err(|_| bad("the argument must be a number")),
        ArgRule::Required => Ok(a.parse().map(Arg::Index).unwrap_or(Arg::Name(a.into()))),
    }
}

/// Everything a field may read about one event.
#[derive(Clone, Copy)]
pub struct EventCtx<'a> {
    /// The event.
    pub ev: Event<'a>,
    /// The CPU it was recorded on.
    pub cpu: u16,
    /// Its number in the stream, from 1.
    pub num: u64,
    /// Dump flags from the capture.
    pub dump_flags: u32,
    /// State after parsing the event.
    pub state: &'a State,
    /// What parsing learned about the event.
    pub es: EventState,
    /// Longest buffer shown in text (`...` beyond), 0 for all of it.
    pub buffer_limit: usize,
}

impl EventCtx<'_> {
    /// The thread id of the event.
    pub fn tid(&self) -> i64 {
        self.ev.tid() as i64
    }

    /// Whether sysdig lists the event. Internal events such as `procinfo`,
    /// events a capture stored only to carry state, and container metadata
    /// events feed the state engine but are not shown.
    pub fn is_shown(&self) -> bool {
        use peregrine_libscap::event::{category, code};
        const STATE_ONLY: u32 = 1;
        let internal = self
            .ev
            .info()
            .is_none_or(|i| i.category & category::INTERNAL != 0);
        let container = matches!(
            self.ev.code(),
            code::CONTAINER_E | code::CONTAINER_JSON_E | code::CONTAINER_JSON_2_E
        );
        !internal && !container && self.dump_flags & STATE_ONLY == 0
    }
}

impl Field {
    /// The field's value for an event.
    pub fn extract<'a>(&self, ctx: &EventCtx<'a>) -> Value<'a> {
        table::extract(self, ctx)
    }
}
