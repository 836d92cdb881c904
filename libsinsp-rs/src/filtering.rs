//! Filters over events: a condition whose fields are resolved once in the
//! registry, then evaluated per event.

use crate::fields::{EventCtx, Field, FieldError, Registry, Value};
use crate::filter::{FieldRef, FieldSource, FieldValue, Filter, FilterError};

/// Why a filter does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventFilterError {
    /// The condition does not parse.
    #[error("filter {0}")]
    Syntax(FilterError),
    /// A field is unknown or has a bad argument.
    #[error("filter: {0}")]
    Field(FieldError),
}

impl From<FilterError> for EventFilterError {
    fn from(e: FilterError) -> Self {
        EventFilterError::Syntax(e)
    }
}

impl From<FieldError> for EventFilterError {
    fn from(e: FieldError) -> Self {
        EventFilterError::Field(e)
    }
}

/// A compiled filter.
#[derive(Debug, Clone)]
pub struct EventFilter {
    filter: Filter,
    fields: Vec<Field>,
}

impl EventFilter {
    /// Parses `condition` and resolves its fields.
    ///
    /// # Errors
    ///
    /// Fails on syntax errors (with the column) and unknown fields.
    pub fn new(registry: &Registry, condition: &str) -> Result<EventFilter, EventFilterError> {
        let filter = Filter::parse(condition)?;
        let fields = filter
            .fields()
            .iter()
            .map(|f| {
                let text = match &f.arg {
                    Some(a) => format!("{}[{a}]", f.name),
                    None => f.name.clone(),
                };
                registry.resolve(&text)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(EventFilter { filter, fields })
    }

    /// Whether the event matches.
    pub fn matches(&self, ctx: &EventCtx<'_>) -> bool {
        self.filter.matches(&Source {
            ctx,
            fields: &self.fields,
        })
    }
}

struct Source<'c, 'a> {
    ctx: &'c EventCtx<'a>,
    fields: &'c [Field],
}

impl FieldSource for Source<'_, '_> {
    fn value(&self, field: &FieldRef) -> FieldValue<'_> {
        let Some(f) = self.fields.get(field.id) else {
            return FieldValue::Missing;
        };
        match f.extract(self.ctx) {
            Value::Na => FieldValue::Missing,
            Value::Str(s) => FieldValue::Str(s),
            Value::Int(v) => FieldValue::Int(v),
            Value::Uint(v) => FieldValue::Uint(v),
            Value::Bool(v) => FieldValue::Bool(v),
        }
    }
}
