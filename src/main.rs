//! The `kcbx` command line: one subcommand per module under `cmd/`, exit codes
//! 0 ok, 1 bad data, 2 usage.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kcbx::cmd;

/// mimalloc instead of the system allocator: millions of small strings are allocated and
/// freed from two threads; it is faster and wastes less memory per string than glibc's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 控辍保学大清查比对工具 — finds every child of compulsory-school age who is not in school.
#[derive(Parser)]
#[command(name = "kcbx", version, about, long_about = None, arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Run(cmd::run::Args),
    Check(cmd::check::Args),
    Sample(cmd::sample::Args),
    Eval(cmd::eval::Args),
    Diff(cmd::diff::Args),
}

impl Command {
    fn run(self) -> kcbx::error::Result<()> {
        match self {
            Command::Run(args) => cmd::run::run(args),
            Command::Check(args) => cmd::check::run(args),
            Command::Sample(args) => cmd::sample::run(args),
            Command::Eval(args) => cmd::eval::run(args),
            Command::Diff(args) => cmd::diff::run(args),
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kcbx: {e}");
            e.exit_code()
        }
    }
}
