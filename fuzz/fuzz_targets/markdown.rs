//! Fuzzes `partnerbook::fuzzing::markdown`; see that function for what it runs and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    partnerbook::fuzzing::markdown(data);
});
