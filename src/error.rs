//! The program's error type and its exit codes: 0 ok, 1 bad data (an input cannot be used,
//! an output cannot be written), 2 usage (bad command line or pipeline file).
//!
//! Messages are Chinese first and never carry personal data: they point at a file, sheet,
//! row and column instead of quoting a value.
//!
//! Pipeline position: beside every stage (each returns [`Result`]); `main.rs` maps it to the
//! exit code.

use std::process::ExitCode;

/// Everything that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line or pipeline file is wrong. Exit code 2.
    #[error("{0}")]
    Usage(String),
    /// One or more inputs cannot be used; every problem is listed. Exit code 1.
    #[error("{}", format_problems(.0))]
    Data(Vec<String>),
    /// Reading or writing a file failed. Exit code 1.
    #[error("{context}：{source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

fn format_problems(problems: &[String]) -> String {
    if problems.len() == 1 {
        return problems[0].clone();
    }
    let mut out = format!(
        "发现 {} 个输入问题，未生成台账 (found {} input problems; no ledger written):",
        problems.len(),
        problems.len()
    );
    for (i, p) in problems.iter().enumerate() {
        out.push_str(&format!("\n  {}. {p}", i + 1));
    }
    out
}

impl Error {
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    pub fn data(msg: impl Into<String>) -> Self {
        Error::Data(vec![msg.into()])
    }

    /// Wraps an I/O error with what was being done and to which path.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { context: context.into(), source }
    }

    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Usage(_) => ExitCode::from(2),
            Error::Data(_) | Error::Io { .. } => ExitCode::from(1),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
