//! The integration tests of partnerbook: one test binary that runs the real
//! `partnerbook` executable on small fixture guides. See `support` for the
//! harness; fixtures live beside each module in a folder of the same name.

mod authoring;
mod browser;
mod build;
mod check;
mod ci;
mod crash;
mod discovery;
mod edit;
mod external;
mod health;
mod hostile;
mod injection;
mod install;
mod outreach;
mod partner_page;
mod print;
mod properties;
mod render;
mod report;
mod rules;
mod serve;
mod shipped;
mod support;
mod vnu;
