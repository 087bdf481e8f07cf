//! jianbao (简报): a news bot and command line that search Chinese news articles, list what
//! is new, summarise an article and answer plain questions, citing article and date.
//!
//! Data flows one way: `corpus` → `text` → `index` → `answer` → `render` → front ends
//! (`cli`). A module uses only modules to its left.

pub mod answer;
pub mod bot;
pub mod chat;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod eval;
pub mod index;
pub mod memory;
pub mod render;
pub mod text;
