//! Fuzzes `partnerbook::fuzzing::playbook_file`; see that function for what it runs and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    partnerbook::fuzzing::playbook_file(data);
});
