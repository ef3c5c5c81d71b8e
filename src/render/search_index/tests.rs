//! Tests of the whole index: its files, what is indexed, and safety.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

use super::*;
use crate::diag::Diagnostics;
use crate::link::LinkOptions;
