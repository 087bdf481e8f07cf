//! Integration tests: the corpus reader, the search engine and the command line, on the
//! seed article and the fixtures in `tests/fixtures/`.

mod answers;
mod cli;
mod common;
mod corpus;
mod search;
