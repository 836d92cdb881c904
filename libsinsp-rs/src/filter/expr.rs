//! The parsed boolean expression tree and its evaluation.

use super::ops::Test;
use super::{FieldRef, FieldSource};

/// A node of the condition tree. `and`/`or` chains are flat lists.
#[derive(Debug, Clone)]
pub(super) enum Node {
    /// True when every child is true (evaluated left to right, lazily).
    And(Vec<Node>),
    /// True when some child is true (evaluated left to right, lazily).
    Or(Vec<Node>),
    /// Inverts its child.
    Not(Box<Node>),
    /// Applies a test to one field, given by its index in the field table.
    Check {
        /// Index into the filter's field table.
        field: usize,
        /// The operator and its compiled right-hand side.
        test: Test,
    },
}

impl Node {
    /// Builds an `and` node, or returns the only child unchanged.
    pub(super) fn all(children: Vec<Node>) -> Node {
        Node::flatten(children, Node::And)
    }

    /// Builds an `or` node, or returns the only child unchanged.
    pub(super) fn any(children: Vec<Node>) -> Node {
        Node::flatten(children, Node::Or)
    }

    /// Wraps `children` with `make` unless there is exactly one.
    fn flatten(mut children: Vec<Node>, make: fn(Vec<Node>) -> Node) -> Node {
        if children.len() == 1 {
            if let Some(only) = children.pop() {
                return only;
            }
        }
        make(children)
    }

    /// Evaluates the tree against one event's field values.
    ///
    /// Recursion is bounded by the parser's nesting limit.
    pub(super) fn eval(&self, fields: &[FieldRef], src: &dyn FieldSource) -> bool {
        match self {
            Node::And(children) => children.iter().all(|c| c.eval(fields, src)),
            Node::Or(children) => children.iter().any(|c| c.eval(fields, src)),
            Node::Not(child) => !child.eval(fields, src),
            Node::Check { field, test } => {
                fields.get(*field).is_some_and(|f| test.eval(&src.value(f)))
            }
        }
    }
}

#[cfg(test)]
impl Node {
    /// A compact prefix rendering of the tree shape, for tests:
    /// `(or a.b (and c.d (not e.f)))`; checks show their field only.
    pub(super) fn render(&self, fields: &[FieldRef]) -> String {
        let list = |op: &str, children: &[Node]| {
            let inner: Vec<String> = children.iter().map(|c| c.render(fields)).collect();
            format!("({op} {})", inner.join(" "))
        };
        match self {
            Node::And(children) => list("and", children),
            Node::Or(children) => list("or", children),
            Node::Not(child) => format!("(not {})", child.render(fields)),
            Node::Check { field, .. } => match fields.get(*field) {
                Some(FieldRef {
                    name,
                    arg: Some(arg),
                    ..
                }) => format!("{name}[{arg}]"),
                Some(f) => f.name.clone(),
                None => "?".to_owned(),
            },
        }
    }
}
