//! Chinese language tools on plain `&str`: normalisation, segmentation and stop words,
//! sentence splitting. Pure functions and immutable shared state; no I/O after loading.

pub(crate) mod dates;
pub(crate) mod normalize;
pub(crate) mod segment;
pub(crate) mod sentence;

use std::path::PathBuf;

pub use normalize::{Normalizer, abbreviates, is_han, is_word_char};
pub use segment::{Segmenter, Word};
pub use sentence::{clauses, sentences, strip_clause_end};

/// What can go wrong while loading the language resources.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("malformed user dictionary {}", path.display())]
    UserDict {
        path: PathBuf,
        #[source]
        source: jieba_rs::Error,
    },
}
