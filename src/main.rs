//! The partnerbook binary: parse the command line, run one command, print
//! once, exit once (0 ok, 1 content errors, 2 usage or environment errors).

use std::process::ExitCode;

use clap::Parser;
use partnerbook::cli::{Cli, Command};
use partnerbook::cmd::{self, Outcome};

/// mimalloc: a build allocates a few small values per word of the guide and
/// frees them on other threads, which glibc's allocator does markedly slower
/// (the figures are in the commit that chose it). Transparent huge pages are
/// off (the `no_thp` feature): they raised peak memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Init(args) => cmd::init::run(args),
        Command::New(args) => cmd::new::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Build(args) => cmd::build::run(args),
        Command::Serve(args) => cmd::serve::run(args),
    };
    match outcome {
        Outcome::Ok(text) => {
            eprint!("{text}");
            ExitCode::SUCCESS
        }
        Outcome::ContentErrors(text) => {
            eprint!("{text}");
            ExitCode::from(1)
        }
        Outcome::Environment(text) => {
            eprint!("{text}");
            ExitCode::from(2)
        }
    }
}
