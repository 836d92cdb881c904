//! `peregrine fields`: list the field registry.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Args;
use peregrine::sinsp::fields::{ArgRule, Registry};

/// Options of `peregrine fields`.
#[derive(Debug, Args)]
pub struct FieldsArgs {
    /// Print JSON: an array of classes, each with its fields.
    #[arg(long)]
    json: bool,
}

/// Runs `peregrine fields`.
pub fn run(args: FieldsArgs) -> anyhow::Result<ExitCode> {
    let registry = Registry::builtin();
    let mut out = io::stdout().lock();
    if args.json {
        writeln!(out, "{}", json(&registry))?;
        return Ok(ExitCode::SUCCESS);
    }
    for class in registry.classes() {
        writeln!(out, "-------------------------------")?;
        writeln!(out, "Field Class: {} ({})", class.name, class.desc)?;
        writeln!(out)?;
        for f in &class.fields {
            let name = match f.arg {
                ArgRule::None => f.name.to_string(),
                _ => format!("{}[...]", f.name),
            };
            writeln!(out, "{name:<32} {:<8} {}", f.ty.name(), f.desc)?;
        }
        writeln!(out)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn json(registry: &Registry) -> String {
    let classes: Vec<serde_json::Value> = registry
        .classes()
        .iter()
        .map(|c| {
            let fields: Vec<serde_json::Value> = c
                .fields
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "name": f.name,
                        "type": f.ty.name(),
                        "desc": f.desc,
                        "arg": match f.arg {
                            ArgRule::None => "none",
                            ArgRule::OptionalIndex => "optional index",
                            ArgRule::Required => "required",
                        },
                    })
                })
                .collect();
            serde_json::json!({ "class": c.name, "desc": c.desc, "fields": fields })
        })
        .collect();
    serde_json::Value::Array(classes).to_string()
}
