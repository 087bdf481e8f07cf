//! Settings: `config/default.toml` (built in, or the file named by `JIANBAO_CONFIG`, or
//! `config/default.toml` in the working directory), then `JIANBAO_*` environment variables
//! (`.env` is loaded first), then command-line flags. Unknown keys and bad values are
//! errors that name the key.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::answer::{MAX_LATEST_LIMIT, MAX_SEARCH_LIMIT};

/// The built-in defaults: the repository's `config/default.toml`.
const DEFAULTS: &str = include_str!("../config/default.toml");

/// Environment variables with the prefix that are not settings.
const NON_SETTING_VARS: &[&str] = &["JIANBAO_CONFIG", "JIANBAO_LOG", "JIANBAO_EVAL_DATA"];

/// Every setting. See `config/default.toml` for what each one means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub corpus: PathBuf,
    pub user_dict: PathBuf,
    pub stop_words: PathBuf,
    pub synonyms: PathBuf,
    pub max_file_mb: u64,
    pub search_limit: usize,
    pub paragraphs_per_article: usize,
    pub latest_limit: usize,
    pub snippet_chars: usize,
    pub chat_queue: usize,
    pub stop_grace_secs: u64,
    pub update_spool: String,
    pub feeds: PathBuf,
    pub database: PathBuf,
    pub watch: bool,
    pub poll: bool,
    pub allow_private_addresses: bool,
    pub admins: Vec<i64>,
    pub timezone: String,
    pub quiet_hours: String,
    pub digest_after: usize,
}

/// Why the settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConfigError {
    #[error("cannot read config file {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("config file {}: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("unknown setting {var} (known: {known})")]
    UnknownVar { var: String, known: String },
    #[error("{key}: {message}")]
    BadValue { key: String, message: String },
}

impl Default for Config {
    fn default() -> Self {
        // The defaults are compiled in and tested; failing here means a broken build.
        toml::from_str(DEFAULTS).unwrap_or_else(|err| panic!("built-in config is invalid: {err}"))
    }
}

impl Config {
    /// Loads settings from files and the process environment (after `.env`).
    pub(crate) fn load() -> Result<Self, ConfigError> {
        let vars: Vec<(String, String)> = std::env::vars().collect();
        let file = std::env::var_os("JIANBAO_CONFIG").map(PathBuf::from);
        Self::load_from(file.as_deref(), &vars)
    }

    /// Loads settings from an explicit config file (or the default locations) and the given
    /// environment variables; the testable core of [`Config::load`].
    pub(crate) fn load_from(
        file: Option<&Path>,
        vars: &[(String, String)],
    ) -> Result<Self, ConfigError> {
        let mut table: toml::Table = toml::from_str(DEFAULTS)
            .unwrap_or_else(|err| panic!("built-in config is invalid: {err}"));
        let local = Path::new("config/default.toml");
        let file = file.or_else(|| local.exists().then_some(local));
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.to_path_buf(),
                source,
            })?;
            let overrides: toml::Table =
                toml::from_str(&text).map_err(|err| ConfigError::Parse {
                    path: path.to_path_buf(),
                    message: err.message().to_string(),
                })?;
            for (key, value) in overrides {
                if !table.contains_key(&key) {
                    return Err(ConfigError::Parse {
                        path: path.to_path_buf(),
                        message: format!("unknown key `{key}` (known: {})", known_keys(&table)),
                    });
                }
                table.insert(key, value);
            }
            check(&table, |key| format!("{key} (in {})", path.display()))?;
        }
        let mut env: Vec<&(String, String)> = vars
            .iter()
            .filter(|(k, _)| k.starts_with("JIANBAO_") && !NON_SETTING_VARS.contains(&k.as_str()))
            .collect();
        env.sort();
        for (var, value) in env {
            let key = var["JIANBAO_".len()..].to_ascii_lowercase();
            let Some(current) = table.get(&key) else {
                return Err(ConfigError::UnknownVar {
                    var: var.clone(),
                    known: known_keys(&table)
                        .split(", ")
                        .map(|k| format!("JIANBAO_{}", k.to_ascii_uppercase()))
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            };
            let parsed = match current {
                toml::Value::Integer(_) => match value.trim().parse::<i64>() {
                    Ok(n) => toml::Value::Integer(n),
                    Err(_) => {
                        return Err(ConfigError::BadValue {
                            key: var.clone(),
                            message: format!("expected a whole number, got {value:?}"),
                        });
                    }
                },
                toml::Value::Boolean(_) => match value.trim().to_ascii_lowercase().as_str() {
                    "true" | "1" | "yes" | "on" => toml::Value::Boolean(true),
                    "false" | "0" | "no" | "off" => toml::Value::Boolean(false),
                    _ => {
                        return Err(ConfigError::BadValue {
                            key: var.clone(),
                            message: format!("expected true or false, got {value:?}"),
                        });
                    }
                },
                toml::Value::Array(_) => {
                    let mut items = Vec::new();
                    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                        match part.parse::<i64>() {
                            Ok(n) => items.push(toml::Value::Integer(n)),
                            Err(_) => {
                                return Err(ConfigError::BadValue {
                                    key: var.clone(),
                                    message: format!(
                                        "expected comma-separated whole numbers, got {part:?}"
                                    ),
                                });
                            }
                        }
                    }
                    toml::Value::Array(items)
                }
                _ => toml::Value::String(value.clone()),
            };
            table.insert(key, parsed);
            check(&table, |_| var.clone())?;
        }
        let config: Config =
            table
                .try_into()
                .map_err(|err: toml::de::Error| ConfigError::BadValue {
                    key: "config".into(),
                    message: err.message().to_string(),
                })?;
        config.validate()?;
        Ok(config)
    }

    /// Range checks that types alone do not express.
    fn validate(&self) -> Result<(), ConfigError> {
        let positive = [
            ("search_limit", self.search_limit),
            ("paragraphs_per_article", self.paragraphs_per_article),
            ("latest_limit", self.latest_limit),
            ("snippet_chars", self.snippet_chars),
            ("max_file_mb", self.max_file_mb as usize),
            ("chat_queue", self.chat_queue),
        ];
        for (key, value) in positive {
            if value == 0 {
                return Err(ConfigError::BadValue {
                    key: key.into(),
                    message: "must be at least 1".into(),
                });
            }
        }
        self.alerts()?;
        let maxima = [
            ("search_limit", self.search_limit, MAX_SEARCH_LIMIT),
            ("latest_limit", self.latest_limit, MAX_LATEST_LIMIT),
        ];
        for (key, value, max) in maxima {
            if value > max {
                return Err(ConfigError::BadValue {
                    key: key.into(),
                    message: format!("too large: at most {max}"),
                });
            }
        }
        Ok(())
    }

    /// How the bot receives and queues updates and how long it takes to stop.
    pub(crate) fn delivery(&self) -> crate::bot::Settings {
        crate::bot::Settings {
            chat_queue: self.chat_queue,
            grace: std::time::Duration::from_secs(self.stop_grace_secs),
            spool: (!self.update_spool.trim().is_empty())
                .then(|| PathBuf::from(self.update_spool.trim())),
            ..crate::bot::Settings::default()
        }
    }

    /// How alerts for followed topics are sent (time zone, quiet hours, digests).
    pub(crate) fn alerts(&self) -> Result<crate::bot::alerts::AlertSettings, ConfigError> {
        let timezone =
            self.timezone
                .trim()
                .parse::<chrono_tz::Tz>()
                .map_err(|_| ConfigError::BadValue {
                    key: "timezone".into(),
                    message: format!(
                        "{:?} is not a time zone name (like Asia/Shanghai or UTC)",
                        self.timezone
                    ),
                })?;
        let quiet =
            crate::bot::alerts::QuietHours::parse(&self.quiet_hours).map_err(|message| {
                ConfigError::BadValue {
                    key: "quiet_hours".into(),
                    message,
                }
            })?;
        Ok(crate::bot::alerts::AlertSettings {
            timezone,
            quiet,
            digest_after: self.digest_after,
            ..Default::default()
        })
    }

    /// How many articles a conversation lists when the user does not say.
    pub fn list_sizes(&self) -> crate::chat::ListSizes {
        crate::chat::ListSizes {
            search: self.search_limit,
            latest: self.latest_limit,
        }
    }

    /// What the engine needs of the settings.
    pub fn engine_options(&self) -> crate::answer::Options {
        crate::answer::Options {
            corpus: self.corpus.clone(),
            user_dict: self.user_dict.clone(),
            stop_words: self.stop_words.clone(),
            synonyms: self.synonyms.clone(),
            load: self.load_options(),
            paragraphs_per_article: self.paragraphs_per_article,
            // Kept only by the front ends that stay up (`kept_index_options`).
            index_dir: None,
        }
    }

    /// The engine options of a front end that stays up (`serve`, `chat`): the index is kept
    /// beside the database (`data/jianbao.index/` for `data/jianbao.db`), so a restart
    /// indexes only what changed. It is a cache: deleting it costs one full indexing.
    pub fn kept_index_options(&self) -> crate::answer::Options {
        crate::answer::Options {
            index_dir: Some(self.database.with_extension("index")),
            ..self.engine_options()
        }
    }

    /// The loading options for [`crate::corpus::load_dir`].
    pub(crate) fn load_options(&self) -> crate::corpus::LoadOptions {
        crate::corpus::LoadOptions {
            max_file_bytes: self.max_file_mb.saturating_mul(1024 * 1024),
        }
    }
}

/// Deserialises the table to find a bad value, naming the key with `name`.
fn check(table: &toml::Table, name: impl Fn(&str) -> String) -> Result<(), ConfigError> {
    let defaults: toml::Table = toml::from_str(DEFAULTS).unwrap_or_default();
    for (key, value) in table {
        let expected = defaults.get(key).map(toml::Value::type_str);
        if expected.is_some_and(|t| t != value.type_str()) {
            return Err(ConfigError::BadValue {
                key: name(key),
                message: format!(
                    "expected {}, got {} {value}",
                    article(expected.unwrap_or("value")),
                    value.type_str()
                ),
            });
        }
        if let toml::Value::Integer(n) = value
            && *n < 0
        {
            return Err(ConfigError::BadValue {
                key: name(key),
                message: format!("must not be negative, got {n}"),
            });
        }
    }
    Ok(())
}

fn article(type_name: &str) -> String {
    match type_name {
        "integer" => "a whole number".into(),
        "string" => "a string (in quotes)".into(),
        other => format!("a {other}"),
    }
}

fn known_keys(table: &toml::Table) -> String {
    table.keys().cloned().collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_load() {
        let c = Config::load_from(None, &[]).expect("defaults");
        assert_eq!(c.corpus, PathBuf::from("seeds"));
        assert_eq!(c, Config::default());
    }

    #[test]
    fn alert_settings_are_checked_at_load() {
        let c = Config::load_from(
            None,
            &vars(&[
                ("JIANBAO_TIMEZONE", "Europe/Berlin"),
                ("JIANBAO_QUIET_HOURS", ""),
            ]),
        )
        .expect("valid");
        let alerts = c.alerts().unwrap();
        assert_eq!(alerts.timezone, chrono_tz::Europe::Berlin);
        assert_eq!(alerts.quiet, None);
        for (var, value) in [
            ("JIANBAO_TIMEZONE", "Mars/Olympus"),
            ("JIANBAO_QUIET_HOURS", "late"),
        ] {
            let err = Config::load_from(None, &vars(&[(var, value)])).unwrap_err();
            let key = var.trim_start_matches("JIANBAO_").to_ascii_lowercase();
            assert!(err.to_string().contains(&key), "{err}");
        }
    }

    #[test]
    fn env_overrides() {
        let c = Config::load_from(
            None,
            &vars(&[
                ("JIANBAO_CORPUS", "/srv/news"),
                ("JIANBAO_SEARCH_LIMIT", "8"),
                ("JIANBAO_LOG", "debug"),
            ]),
        )
        .expect("overrides");
        assert_eq!(c.corpus, PathBuf::from("/srv/news"));
        assert_eq!(c.search_limit, 8);
    }

    #[test]
    fn unknown_env_var_names_itself() {
        let err = Config::load_from(None, &vars(&[("JIANBAO_SEARCH_LIMT", "8")])).unwrap_err();
        assert!(err.to_string().contains("JIANBAO_SEARCH_LIMT"), "{err}");
        assert!(err.to_string().contains("JIANBAO_SEARCH_LIMIT"), "{err}");
    }

    #[test]
    fn bad_values_name_the_key() {
        for (var, value) in [
            ("JIANBAO_SEARCH_LIMIT", "many"),
            ("JIANBAO_SEARCH_LIMIT", "-3"),
            ("JIANBAO_SEARCH_LIMIT", "0"),
            ("JIANBAO_LATEST_LIMIT", "1000"),
        ] {
            let err = Config::load_from(None, &vars(&[(var, value)])).unwrap_err();
            let key = var.trim_start_matches("JIANBAO_").to_ascii_lowercase();
            let msg = err.to_string();
            assert!(
                msg.contains(var) || msg.contains(&key),
                "{var}={value}: {msg}"
            );
        }
    }

    #[test]
    fn live_corpus_settings_from_the_environment() {
        let c = Config::load_from(None, &[]).unwrap();
        assert!(c.watch && c.poll && !c.allow_private_addresses && c.admins.is_empty());
        assert_eq!(c.database, PathBuf::from("data/jianbao.db"));
        let c = Config::load_from(
            None,
            &vars(&[
                ("JIANBAO_WATCH", "false"),
                ("JIANBAO_ALLOW_PRIVATE_ADDRESSES", "1"),
                ("JIANBAO_ADMINS", "12345, 678"),
                ("JIANBAO_DATABASE", "/tmp/j.db"),
            ]),
        )
        .unwrap();
        assert!(!c.watch && c.allow_private_addresses);
        assert_eq!(c.admins, [12345, 678]);
        let err = Config::load_from(None, &vars(&[("JIANBAO_POLL", "maybe")])).unwrap_err();
        assert!(err.to_string().contains("JIANBAO_POLL"), "{err}");
        let err = Config::load_from(None, &vars(&[("JIANBAO_ADMINS", "12,bob")])).unwrap_err();
        assert!(err.to_string().contains("JIANBAO_ADMINS"), "{err}");
    }

    #[test]
    fn config_file_errors_name_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "search_limt = 3\n").unwrap();
        let err = Config::load_from(Some(&path), &[]).unwrap_err();
        assert!(err.to_string().contains("search_limt"), "{err}");
        std::fs::write(&path, "search_limit = \"three\"\n").unwrap();
        let err = Config::load_from(Some(&path), &[]).unwrap_err();
        assert!(err.to_string().contains("search_limit"), "{err}");
        std::fs::write(&path, "latest_limit = 3\n").unwrap();
        let c = Config::load_from(Some(&path), &[]).unwrap();
        assert_eq!(c.latest_limit, 3);
        assert_eq!(c.search_limit, Config::default().search_limit);
    }
}
