//! `partnerbook build`: load -> link -> render -> write.

use std::time::Instant;

use super::{Outcome, color, describe};
use crate::cli::BuildArgs;

/// Runs build.
pub fn run(args: &BuildArgs) -> Outcome {
    let opts = args.options();
    let started = Instant::now();
    match crate::build(&opts) {
        Ok(report) => {
            let mut text = report.warnings.render(&report.sources.files, color());
            text.push_str(&format!(
                "built {} files into {} in {} ms\n",
                report.files,
                opts.out_dir.display(),
                started.elapsed().as_millis()
            ));
            // The process ends next: freeing the sources and warnings piece by piece would only delay it.
            std::mem::forget(report);
            Outcome::Ok(text)
        }
        Err(f) => describe(f),
    }
}
