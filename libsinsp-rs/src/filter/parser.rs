//! Recursive-descent parser turning filter text into an expression tree
//! and the table of fields it references.
//!
//! Grammar, loosest binding first:
//!
//! ```text
//! or    := and ("or" and)*
//! and   := not ("and" not)*
//! not   := "not"* check
//! check := "(" or ")" | field operator operand
//! ```

use std::collections::HashMap;

use super::cursor::{is_blank, is_ident_char, is_ident_start, Cursor};
use super::expr::Node;
use super::literal::{is_bare_arg_char, is_bare_char, read_number, read_quoted, Literal};
use super::ops::{Operand, Operator, Test, SYMBOL_OPERATORS, UNSUPPORTED_OPERATORS};
use super::{FieldRef, FilterError};

/// The deepest parenthesis nesting accepted.
pub(super) const MAX_DEPTH: usize = 200;

/// Falco field transformers, refused with a clear message.
const TRANSFORMERS: [&str; 8] = [
    "tolower", "toupper", "b64", "basename", "len", "join", "concat", "getopt",
];

/// Falco string-operator modifiers (`= oneof (a, b)`), refused too.
const MODIFIERS: [&str; 3] = ["oneof", "anyof", "allof"];

/// The result of a successful parse.
pub(super) struct Parsed {
    /// The root of the expression tree.
    pub(super) root: Node,
    /// Distinct fields in order of first use; `id` is the index.
    pub(super) fields: Vec<FieldRef>,
}

/// Parses a whole filter condition.
///
/// # Errors
///
/// Returns the first syntax error, located by column.
pub(super) fn parse(text: &str) -> Result<Parsed, FilterError> {
    let mut parser = Parser::new(text);
    parser.cur.skip_blanks();
    if parser.cur.is_at_end() {
        return Err(parser.cur.error_at(0, "filter input string is empty"));
    }

    let root = parser.parse_or()?;
    parser.cur.skip_blanks();
    if !parser.cur.is_at_end() {
        return Err(parser.leftover());
    }
    Ok(Parsed {
        root,
        fields: parser.fields,
    })
}

/// Parser state: the cursor, the last token read (for messages), the
/// current nesting depth and the field table being built.
struct Parser<'a> {
    /// Reading position in the text.
    cur: Cursor<'a>,
    /// The last token consumed, quoted in error messages.
    last: &'a str,
    /// How many parentheses are open.
    depth: usize,
    /// Distinct fields in order of first use.
    fields: Vec<FieldRef>,
    /// Index into `fields` by name and argument.
    field_ids: HashMap<(String, Option<String>), usize>,
}

impl<'a> Parser<'a> {
    /// A parser at the start of `text`.
    fn new(text: &'a str) -> Self {
        Parser {
            cur: Cursor::new(text),
            last: "",
            depth: 0,
            fields: Vec::new(),
            field_ids: HashMap::new(),
        }
    }

    /// `or := and ("or" and)*`
    fn parse_or(&mut self) -> Result<Node, FilterError> {
        let mut children = vec![self.parse_and()?];
        while self.eat_keyword("or")? {
            children.push(self.parse_and()?);
        }
        Ok(Node::any(children))
    }

    /// `and := not ("and" not)*`
    fn parse_and(&mut self) -> Result<Node, FilterError> {
        let mut children = vec![self.parse_not()?];
        while self.eat_keyword("and")? {
            children.push(self.parse_not()?);
        }
        Ok(Node::all(children))
    }

    /// `not := "not"* check`; an even number of `not`s cancels out.
    fn parse_not(&mut self) -> Result<Node, FilterError> {
        let mut negate = false;
        while self.eat_not() {
            negate = !negate;
        }
        let node = self.parse_check()?;
        Ok(if negate {
            Node::Not(Box::new(node))
        } else {
            node
        })
    }

    /// `check := "(" or ")" | field operator operand`
    fn parse_check(&mut self) -> Result<Node, FilterError> {
        self.cur.skip_blanks();
        match self.cur.peek() {
            Some('(') => self.parse_group(),
            Some(c) if is_ident_start(c) => self.parse_comparison(),
            _ => Err(self.expected("a field, 'not' or '('")),
        }
    }

    /// Consumes `and`/`or` after a check. The keyword must be followed by
    /// a blank or `(`, so `a andb` is an error rather than a surprise.
    fn eat_keyword(&mut self, keyword: &'static str) -> Result<bool, FilterError> {
        self.cur.skip_blanks();
        if !self.cur.eat(keyword) {
            return Ok(false);
        }
        if self.cur.peek().is_some_and(|c| !is_blank(c) && c != '(') {
            let message = format!("expected blank or '(' after '{keyword}'");
            return Err(self.cur.error_here(message));
        }
        self.last = keyword;
        Ok(true)
    }

    /// Consumes a `not` keyword: `not` followed by a blank, `(` or the end.
    fn eat_not(&mut self) -> bool {
        self.cur.skip_blanks();
        let is_not = self
            .cur
            .rest()
            .strip_prefix("not")
            .is_some_and(|after| after.chars().next().is_none_or(|c| is_blank(c) || c == '('));
        if is_not {
            self.cur.eat("not");
            self.last = "not";
        }
        is_not
    }

    /// A parenthesised sub-expression, counted against [`MAX_DEPTH`].
    fn parse_group(&mut self) -> Result<Node, FilterError> {
        let open = self.cur.pos();
        if self.depth >= MAX_DEPTH {
            let message = format!("exceeded max depth limit of {MAX_DEPTH} nested parentheses");
            return Err(self.cur.error_at(open, message));
        }
        self.cur.bump();
        self.depth += 1;
        self.last = "(";

        let node = self.parse_or()?;
        self.cur.skip_blanks();
        if !self.cur.eat(")") {
            let column = self.cur.column_of(open);
            return Err(self.expected(&format!("')' to close the '(' at column {column}")));
        }
        self.depth -= 1;
        self.last = ")";
        Ok(node)
    }

    /// `field operator operand`
    fn parse_comparison(&mut self) -> Result<Node, FilterError> {
        let field = self.parse_field()?;
        self.cur.skip_blanks();
        let op = self.parse_operator()?;
        let test = self.parse_operand(op)?;
        Ok(Node::Check { field, test })
    }

    /// A dotted field name with an optional `[argument]`; returns its id.
    fn parse_field(&mut self) -> Result<usize, FilterError> {
        let start = self.cur.pos();
        let name = self.read_dotted_name();
        if !name.contains('.') {
            return Err(self.not_a_field(start, name));
        }

        let arg = match self.cur.peek() {
            Some('[') => Some(self.parse_field_arg()?),
            _ => None,
        };
        self.last = self.cur.since(start);
        Ok(self.intern(name, arg))
    }

    /// Reads `ident(.ident)*`, where each segment starts with a letter.
    fn read_dotted_name(&mut self) -> &'a str {
        let start = self.cur.pos();
        self.cur.take_while(is_ident_char);
        while self.cur.peek() == Some('.') && self.cur.peek_second().is_some_and(is_ident_start) {
            self.cur.bump();
            self.cur.take_while(is_ident_char);
        }
        self.cur.since(start)
    }

    /// The error for a word without a dot where a field was expected.
    fn not_a_field(&self, start: usize, name: &str) -> FilterError {
        let message = if let Some(message) = self.call_refusal(name) {
            message
        } else if name == "and" || name == "or" {
            format!("unexpected '{name}': expected a field, 'not' or '('")
        } else {
            format!(
                "'{name}' is not a field name (fields look like 'proc.name'); \
                 macros are not supported in read filters yet"
            )
        };
        self.cur.error_at(start, message)
    }

    /// The refusal for `name(` when `name` is a transformer or `val`.
    fn call_refusal(&self, name: &str) -> Option<String> {
        if self.cur.peek() != Some('(') {
            return None;
        }
        if name == "val" {
            let message =
                "field-to-field comparison with 'val()' is not supported in read filters yet";
            return Some(message.to_owned());
        }
        TRANSFORMERS
            .contains(&name)
            .then(|| format!("transformer '{name}()' is not supported in read filters yet"))
    }

    /// `[argument]` right after a field name: a quoted or bare string.
    fn parse_field_arg(&mut self) -> Result<String, FilterError> {
        let open = self.cur.pos();
        self.cur.bump();
        let arg = match self.cur.peek() {
            Some('"' | '\'') => read_quoted(&mut self.cur)?,
            Some(c) if is_bare_arg_char(c) => self.cur.take_while(is_bare_arg_char).to_owned(),
            _ => {
                let message = "expected a valid field argument: a quoted string or a bare string";
                return Err(self.cur.error_here(message));
            }
        };

        if !self.cur.eat("]") {
            let column = self.cur.column_of(open);
            let message = format!("expected a ']' token to close the '[' at column {column}");
            return Err(self.cur.error_here(message));
        }
        Ok(arg)
    }

    /// The id of a field, adding it to the table on first use.
    fn intern(&mut self, name: &str, arg: Option<String>) -> usize {
        let key = (name.to_owned(), arg);
        if let Some(&id) = self.field_ids.get(&key) {
            return id;
        }
        let id = self.fields.len();
        self.fields.push(FieldRef {
            name: key.0.clone(),
            arg: key.1.clone(),
            id,
        });
        self.field_ids.insert(key, id);
        id
    }

    /// A comparison operator: a symbol, or a word that (for single-value
    /// string operators) must be followed by a blank.
    fn parse_operator(&mut self) -> Result<Operator, FilterError> {
        for (symbol, op) in SYMBOL_OPERATORS {
            if self.cur.eat(symbol) {
                self.last = symbol;
                return Ok(op);
            }
        }

        let start = self.cur.pos();
        let word = self.cur.take_while(is_ident_char);
        if UNSUPPORTED_OPERATORS.contains(&word) {
            let message = format!("operator '{word}' is not supported in read filters yet");
            return Err(self.cur.error_at(start, message));
        }
        let Some(op) = Operator::from_word(word) else {
            self.cur.rewind(start);
            return Err(self.expected("an operator"));
        };

        self.last = word;
        if op.needs_blank() && self.cur.peek().is_some_and(|c| !is_blank(c)) {
            return Err(self
                .cur
                .error_here(format!("expected a blank after '{word}'")));
        }
        Ok(op)
    }

    /// The right-hand side an operator takes, compiled into a test.
    fn parse_operand(&mut self, op: Operator) -> Result<Test, FilterError> {
        if op.operand() == Operand::Nothing {
            return Ok(Test::Exists);
        }
        self.cur.skip_blanks();
        self.refuse_rhs_call()?;
        match op.operand() {
            Operand::Nothing => Ok(Test::Exists),
            Operand::Number => Ok(Test::Compare(op, self.parse_number()?)),
            Operand::Value => self.parse_single(op),
            Operand::List => Ok(Test::with_list(op, self.parse_list()?)),
        }
    }

    /// Refuses `val(...)` and transformers on the right-hand side.
    fn refuse_rhs_call(&mut self) -> Result<(), FilterError> {
        let start = self.cur.pos();
        let name = self.cur.take_while(is_ident_char);
        let refusal = self.call_refusal(name);
        self.cur.rewind(start);
        match refusal {
            Some(message) => Err(self.cur.error_at(start, message)),
            None => Ok(()),
        }
    }

    /// The number after `<`, `<=`, `>` or `>=`.
    fn parse_number(&mut self) -> Result<Literal, FilterError> {
        let Some(text) = read_number(&mut self.cur) else {
            return Err(self.expected("a number"));
        };
        self.last = text;
        Ok(Literal::new(text.to_owned()))
    }

    /// The single value of a string operator, compiled with it.
    fn parse_single(&mut self, op: Operator) -> Result<Test, FilterError> {
        self.refuse_modifier()?;
        if self.cur.peek() == Some('(') {
            let message = format!(
                "'{}' takes a single value; only 'in' and 'pmatch' take a list in parentheses",
                self.last
            );
            return Err(self.cur.error_here(message));
        }

        let start = self.cur.pos();
        let literal = self.parse_value()?;
        Test::with_value(op, literal).map_err(|message| self.cur.error_at(start, message))
    }

    /// Refuses `oneof`/`anyof`/`allof` followed by a list.
    fn refuse_modifier(&mut self) -> Result<(), FilterError> {
        let start = self.cur.pos();
        let word = self.cur.take_while(is_ident_char);
        let is_modifier =
            MODIFIERS.contains(&word) && self.cur.skip_blanks() && self.cur.peek() == Some('(');
        self.cur.rewind(start);
        if !is_modifier {
            return Ok(());
        }
        let message = format!("operator modifier '{word}' is not supported in read filters yet");
        Err(self.cur.error_at(start, message))
    }

    /// A quoted string or a bare word.
    fn parse_value(&mut self) -> Result<Literal, FilterError> {
        let start = self.cur.pos();
        let text = match self.cur.peek() {
            Some('"' | '\'') => read_quoted(&mut self.cur)?,
            _ => match self.cur.take_while(is_bare_char) {
                "" => return Err(self.expected("a value")),
                bare => bare.to_owned(),
            },
        };
        self.last = self.cur.since(start);
        Ok(Literal::new(text))
    }

    /// `( value (, value)* )` or `()`.
    fn parse_list(&mut self) -> Result<Vec<Literal>, FilterError> {
        if !self.cur.eat("(") {
            return Err(self.expected(
                "a list of values in parentheses, like (a, b); \
                 named lists are not supported in read filters yet",
            ));
        }
        self.last = "(";
        let mut items = Vec::new();
        self.cur.skip_blanks();
        if self.eat_list_end() {
            return Ok(items);
        }

        loop {
            self.cur.skip_blanks();
            items.push(self.parse_value()?);
            self.cur.skip_blanks();
            if self.cur.eat(",") {
                self.last = ",";
            } else if self.eat_list_end() {
                return Ok(items);
            } else {
                return Err(self.expected("',' or ')'"));
            }
        }
    }

    /// Consumes the `)` closing a value list.
    fn eat_list_end(&mut self) -> bool {
        let closed = self.cur.eat(")");
        if closed {
            self.last = ")";
        }
        closed
    }

    /// The error for text left over after a complete expression.
    fn leftover(&self) -> FilterError {
        let message = if self.cur.peek() == Some(')') {
            format!("unexpected ')' after '{}': no '(' is open", self.last)
        } else {
            format!(
                "unexpected token after '{}', expecting 'or', 'and'",
                self.last
            )
        };
        self.cur.error_here(message)
    }

    /// The error for something other than `what` at the current position.
    fn expected(&self, what: &str) -> FilterError {
        let place = if self.cur.is_at_end() {
            "end of input"
        } else {
            "token"
        };
        let message = if self.last.is_empty() {
            format!("unexpected {place}: expected {what}")
        } else {
            format!("unexpected {place} after '{}': expected {what}", self.last)
        };
        self.cur.error_here(message)
    }
}
