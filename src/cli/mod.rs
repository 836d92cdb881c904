//! Command-line parsing and dispatch.

mod fields;
mod read;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Unified security monitoring: read captures, watch events, keep them.
#[derive(Debug, Parser)]
#[command(name = "peregrine", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read a capture file and print or rewrite its events (like `sysdig -r`).
    Read(read::ReadArgs),
    /// List every field with its type and description.
    Fields(fields::FieldsArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Read(args) => read::run(args),
        Command::Fields(args) => fields::run(args),
    }
}
