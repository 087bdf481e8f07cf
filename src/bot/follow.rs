//! Following topics in Telegram: `/subscribe` (alias `/follow`), `/subscriptions`,
//! `/unsubscribe`, and their buttons. In a private chat the user follows for themselves, or
//! names a channel (`/subscribe @频道 防汛`) they and the bot administer; in a group anyone
//! may list, and only administrators (asked of Telegram with `getChatMember`; an anonymous
//! administrator writes as the group itself) may change what it follows. The matching and
//! the outbox are `answer::Following`'s; what is said is `render`'s.

use serde::{Deserialize, Serialize};
use teloxide::payloads::{AnswerCallbackQuery, EditMessageText, SendMessage};
use teloxide::prelude::*;
use teloxide::requests::Payload;
use teloxide::types::ParseMode;
use teloxide::{ApiError, RequestError};

use super::messages::{keyboard, no_preview};
use super::sender::{CallError, Priority};
use super::{State, TgBot};
use crate::answer::{Following, Refusal, Topic, topic_key};
use crate::chat::Command;
use crate::render::Lang;
use crate::render::telegram::OutMessage;
use crate::render::telegram::follow as render;
use crate::render::words::{self, BotNotice, FollowNote, bot_notice};
use crate::store::{MAX_SUBSCRIPTIONS_PER_CHAT, Subscribed, Subscription};

/// A chat named in a request: by id or by `@username`.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
enum ChatRef {
    Id(i64),
    Name(String),
}

/// `getChatMember`, answered with only what the bot reads (the member's status), so a new
/// field or kind of member in Telegram's answer cannot break it.
#[derive(Debug, Clone, Serialize)]
struct GetChatMember {
    chat_id: ChatRef,
    user_id: u64,
}

#[derive(Debug, Deserialize)]
struct Member {
    status: String,
}

impl Payload for GetChatMember {
    type Output = Member;
    const NAME: &'static str = "GetChatMember";
}

/// `getChat`, answered with the chat's id, kind and names.
#[derive(Debug, Clone, Serialize)]
struct GetChat {
    chat_id: ChatRef,
}

#[derive(Debug, Deserialize)]
struct ChatInfo {
    id: i64,
    #[serde(rename = "type")]
    kind: String,
    title: Option<String>,
    username: Option<String>,
}

impl Payload for GetChat {
    type Output = ChatInfo;
    const NAME: &'static str = "GetChat";
}

/// Whose subscriptions a request is about.
#[derive(Debug, Clone)]
struct Scope {
    chat: i64,
    /// `private`, `group`, `supergroup` or `channel`.
    kind: String,
    /// A channel named from a private chat: how to call it (`@name` or its title).
    channel: Option<String>,
}

fn kind_of(chat: &teloxide::types::Chat) -> &'static str {
    if chat.is_private() {
        "private"
    } else if chat.is_supergroup() {
        "supergroup"
    } else if chat.is_group() {
        "group"
    } else {
        "channel"
    }
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// Whether `user` administers `chat` (a user Telegram does not know there is not).
async fn is_admin(bot: &TgBot, chat: i64, user: u64) -> Result<bool, CallError> {
    let asked = bot
        .call(&GetChatMember {
            chat_id: ChatRef::Id(chat),
            user_id: user,
        })
        .await;
    match asked {
        Ok(m) => Ok(matches!(m.status.as_str(), "creator" | "administrator")),
        Err(CallError {
            error: RequestError::Api(_),
            ..
        }) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A leading channel reference in a private chat's arguments: `@name` or a negative id.
fn channel_ref(args: &str) -> Option<(ChatRef, &str)> {
    let args = args.trim();
    let (first, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    if first.len() > 1 && first.starts_with('@') {
        return Some((ChatRef::Name(first.to_string()), rest.trim()));
    }
    match first.parse::<i64>() {
        Ok(id) if id < 0 => Some((ChatRef::Id(id), rest.trim())),
        _ => None,
    }
}

/// Resolves the scope of a request and checks that the sender may do `change` (or only
/// list) there; the rest of the arguments, or the note to answer instead.
async fn scope_for(
    bot: &TgBot,
    bot_id: UserId,
    msg: &Message,
    args: &str,
    change: bool,
    subscribing: bool,
) -> anyhow::Result<Result<(Scope, String), FollowNote>> {
    let user = msg.from.as_ref().map(|u| u.id.0);
    if msg.chat.is_private() {
        if let Some((reference, rest)) = channel_ref(args) {
            let shown = match &reference {
                ChatRef::Name(n) => n.clone(),
                ChatRef::Id(id) => id.to_string(),
            };
            let info = match bot.call(&GetChat { chat_id: reference }).await {
                Ok(info) if info.kind == "channel" => info,
                Ok(_)
                | Err(CallError {
                    error: RequestError::Api(_),
                    ..
                }) => return Ok(Err(FollowNote::NoSuchChannel { name: shown })),
                Err(e) => return Err(e.into()),
            };
            let name = info
                .username
                .as_ref()
                .map(|u| format!("@{u}"))
                .or(info.title.clone())
                .unwrap_or(shown);
            let Some(user) = user else {
                return Ok(Err(FollowNote::NotChannelAdmin { name }));
            };
            if !is_admin(bot, info.id, user).await? {
                return Ok(Err(FollowNote::NotChannelAdmin { name }));
            }
            if subscribing {
                let me = bot
                    .call(&GetChatMember {
                        chat_id: ChatRef::Id(info.id),
                        user_id: bot_id.0,
                    })
                    .await;
                if !matches!(&me, Ok(m) if m.status == "administrator") {
                    return Ok(Err(FollowNote::BotNotChannelAdmin { name }));
                }
            }
            return Ok(Ok((
                Scope {
                    chat: info.id,
                    kind: "channel".into(),
                    channel: Some(name),
                },
                rest.to_string(),
            )));
        }
    } else if change {
        // An anonymous administrator writes as the group itself.
        let anonymous_admin = msg
            .sender_chat
            .as_ref()
            .is_some_and(|c| c.id == msg.chat.id);
        let allowed = anonymous_admin
            || match user {
                Some(u) => is_admin(bot, msg.chat.id.0, u).await?,
                None => false,
            };
        if !allowed {
            return Ok(Err(FollowNote::AdminsOnly));
        }
    }
    Ok(Ok((
        Scope {
            chat: msg.chat.id.0,
            kind: kind_of(&msg.chat).into(),
            channel: None,
        },
        args.trim().to_string(),
    )))
}

/// Answers `/subscribe`, `/subscriptions` or `/unsubscribe`.
pub(super) async fn handle_command(
    bot: &TgBot,
    msg: &Message,
    state: &State,
    lang: Lang,
    command: Command,
) -> anyhow::Result<()> {
    let reply_to = (!msg.chat.is_private()).then_some(msg.id);
    let out = match &state.following {
        None => render::note(&FollowNote::Unavailable, lang),
        Some(following) => match command {
            Command::Subscribe(args) => subscribe(bot, msg, state, following, &args, lang).await?,
            Command::Unsubscribe(args) => {
                unsubscribe(bot, msg, state, following, &args, lang).await?
            }
            Command::Subscriptions(args) => {
                match scope_for(bot, state.bot_id, msg, &args, false, false).await? {
                    Ok((scope, _)) => {
                        // Asking for the list where alerts were paused turns them back on.
                        let resumed =
                            tokio::task::block_in_place(|| following.resume_chat(scope.chat))? > 0;
                        let subs = tokio::task::block_in_place(|| following.of_chat(scope.chat))?;
                        render::list(&subs, scope.channel.as_deref(), resumed, lang)
                    }
                    Err(note) => render::note(&note, lang),
                }
            }
            _ => return Ok(()),
        },
    };
    let mut req = SendMessage::new(msg.chat.id, out.html.clone())
        .parse_mode(ParseMode::Html)
        .link_preview_options(no_preview());
    if let Some(id) = reply_to {
        req = req.reply_parameters(
            teloxide::types::ReplyParameters::new(id).allow_sending_without_reply(),
        );
    }
    if let Some(k) = keyboard(&out) {
        req = req.reply_markup(k);
    }
    bot.send(msg.chat.id.0, Priority::Reply, &req).await?;
    Ok(())
}

async fn subscribe(
    bot: &TgBot,
    msg: &Message,
    state: &State,
    following: &Following,
    args: &str,
    lang: Lang,
) -> anyhow::Result<OutMessage> {
    let (scope, words) = match scope_for(bot, state.bot_id, msg, args, true, true).await? {
        Ok(found) => found,
        Err(note) => return Ok(render::note(&note, lang)),
    };
    if words.is_empty() {
        return Ok(render::note(&FollowNote::SubscribeWhat, lang));
    }
    let echo = render::topic_echo(&words);
    let topic = tokio::task::block_in_place(|| following.topic(&state.engine.snapshot(), &words));
    let topic = match topic {
        Ok(t) => t,
        Err(refusal) => {
            let note = match refusal {
                Refusal::Nothing => FollowNote::NothingToFollow,
                Refusal::OnlyStopWords => FollowNote::OnlyStopWords { topic: echo },
                Refusal::TooShort => FollowNote::TooShort { topic: echo },
                Refusal::TooBroad { matched, of } => FollowNote::TooBroad {
                    topic: echo,
                    matched,
                    of,
                },
            };
            return Ok(render::note(&note, lang));
        }
    };
    let user = msg.from.as_ref().map(|u| u.id.0 as i64);
    let outcome = tokio::task::block_in_place(|| {
        following.subscribe(scope.chat, &scope.kind, &topic, lang_code(lang), user)
    })?;
    Ok(match outcome {
        Subscribed::Added(s) => {
            let held = tokio::task::block_in_place(|| following.of_chat(scope.chat))?.len();
            render::subscribed(
                &FollowNote::Subscribed { topic: echo, held },
                s.id,
                scope.chat,
                lang,
            )
        }
        Subscribed::Already(s) => render::subscribed(
            &FollowNote::AlreadyFollowing { topic: echo },
            s.id,
            scope.chat,
            lang,
        ),
        Subscribed::Full => render::note(
            &FollowNote::Full {
                max: MAX_SUBSCRIPTIONS_PER_CHAT,
            },
            lang,
        ),
    })
}

/// The subscription `which` names: its number in the list, or its words.
fn find<'a>(
    subs: &'a [Subscription],
    which: &str,
    key_of: impl Fn(&str) -> String,
) -> Option<&'a Subscription> {
    if let Ok(n) = which.parse::<usize>() {
        return n.checked_sub(1).and_then(|i| subs.get(i));
    }
    let key = key_of(which);
    subs.iter()
        .find(|s| s.query.trim() == which || (!key.is_empty() && s.topic_key == key))
}

async fn unsubscribe(
    bot: &TgBot,
    msg: &Message,
    state: &State,
    following: &Following,
    args: &str,
    lang: Lang,
) -> anyhow::Result<OutMessage> {
    let (scope, which) = match scope_for(bot, state.bot_id, msg, args, true, false).await? {
        Ok(found) => found,
        Err(note) => return Ok(render::note(&note, lang)),
    };
    if which.is_empty() {
        return Ok(render::note(&FollowNote::UnsubscribeWhich, lang));
    }
    let subs = tokio::task::block_in_place(|| following.of_chat(scope.chat))?;
    let segmenter = following.segmenter();
    let Some(sub) = find(&subs, &which, |w| topic_key(&Topic::new(segmenter, w))) else {
        return Ok(render::note(
            &FollowNote::NoSuchSubscription {
                which: render::topic_echo(&which),
            },
            lang,
        ));
    };
    tokio::task::block_in_place(|| following.unsubscribe(sub.id))?;
    Ok(render::note(
        &FollowNote::Unsubscribed {
            topic: render::topic_echo(&sub.query),
        },
        lang,
    ))
}

/// Whether the presser of a button may change (or, `change` false, see) the subscriptions
/// of `chat`: their own private chat always; a group or channel if they administer it; a
/// group's list for anyone pressing in it.
async fn may_use(
    bot: &TgBot,
    q: &CallbackQuery,
    chat: i64,
    change: bool,
) -> Result<bool, CallError> {
    let presser = q.from.id.0;
    if i64::try_from(presser).is_ok_and(|p| p == chat) {
        return Ok(true);
    }
    let pressed_in = q.message.as_ref().map(|m| m.chat().id.0);
    if !change && pressed_in == Some(chat) {
        return Ok(true);
    }
    is_admin(bot, chat, presser).await
}

/// A remove button (`u:`) or a list button (`l:`): answered, then the message becomes the
/// chat's list.
pub(super) async fn handle_button(
    bot: &TgBot,
    q: &CallbackQuery,
    state: &State,
    lang: Lang,
    unfollow: Option<i64>,
    list_of: Option<i64>,
) -> anyhow::Result<()> {
    let answer = |text: String| AnswerCallbackQuery::new(q.id.clone()).text(text);
    let Some(following) = &state.following else {
        bot.call(&answer(words::follow_note(&FollowNote::Unavailable, lang)))
            .await?;
        return Ok(());
    };
    let (chat, note) = if let Some(id) = unfollow {
        let Some(sub) = tokio::task::block_in_place(|| following.store().subscription(id))? else {
            bot.call(&answer(bot_notice(BotNotice::ButtonGone, lang).into()))
                .await?;
            return Ok(());
        };
        if !may_use(bot, q, sub.chat_id, true).await? {
            bot.call(&answer(words::follow_note(&FollowNote::AdminsOnly, lang)).show_alert(true))
                .await?;
            return Ok(());
        }
        tokio::task::block_in_place(|| following.unsubscribe(id))?;
        let note = FollowNote::Unsubscribed {
            topic: render::topic_echo(&sub.query),
        };
        (sub.chat_id, Some(note))
    } else if let Some(chat) = list_of {
        if !may_use(bot, q, chat, false).await? {
            bot.call(&answer(words::follow_note(&FollowNote::AdminsOnly, lang)).show_alert(true))
                .await?;
            return Ok(());
        }
        (chat, None)
    } else {
        return Ok(());
    };
    // Answered before the edit: Telegram drops an answer that comes too late.
    let text = note.as_ref().map(|n| words::follow_note(n, lang));
    let mut ack = AnswerCallbackQuery::new(q.id.clone());
    if let Some(t) = text {
        ack = ack.text(t);
    }
    bot.call(&ack).await?;
    let Some(message) = q.message.as_ref() else {
        return Ok(());
    };
    let subs = tokio::task::block_in_place(|| following.of_chat(chat))?;
    let channel = (message.chat().id.0 != chat)
        .then(|| subs.first().map(|_| chat.to_string()))
        .flatten();
    let out = render::list(&subs, channel.as_deref(), false, lang);
    let mut edit = EditMessageText::new(message.chat().id, message.id(), out.html.clone())
        .parse_mode(ParseMode::Html)
        .link_preview_options(no_preview());
    if let Some(k) = keyboard(&out) {
        edit = edit.reply_markup(k);
    }
    match bot.call(&edit).await {
        Ok(_)
        | Err(CallError {
            error: RequestError::Api(ApiError::MessageNotModified),
            ..
        }) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_are_named_by_username_or_negative_id() {
        assert!(
            matches!(channel_ref("@news 防汛"), Some((ChatRef::Name(n), "防汛")) if n == "@news")
        );
        assert!(matches!(
            channel_ref("-1001234 黄河 保护"),
            Some((ChatRef::Id(-1001234), "黄河 保护"))
        ));
        assert!(channel_ref("防汛").is_none());
        assert!(
            channel_ref("2024 防汛").is_none(),
            "a year is words, not a chat"
        );
        assert!(channel_ref("@").is_none());
    }

    #[test]
    fn a_subscription_is_found_by_number_or_words() {
        let sub = |id: i64, q: &str| Subscription {
            id,
            chat_id: 1,
            chat_kind: "private".into(),
            query: q.into(),
            topic_key: q.replace(' ', "\u{1f}"),
            lang: "zh".into(),
            created_by: None,
            created_at: 0,
            paused_at: None,
            pause_reason: None,
            alerts_sent: 0,
        };
        let subs = [sub(4, "防汛"), sub(9, "黄河 保护")];
        let key = |w: &str| w.replace(' ', "\u{1f}");
        assert_eq!(find(&subs, "2", key).map(|s| s.id), Some(9));
        assert_eq!(find(&subs, "防汛", key).map(|s| s.id), Some(4));
        assert_eq!(find(&subs, "黄河 保护", key).map(|s| s.id), Some(9));
        assert!(find(&subs, "3", key).is_none());
        assert!(find(&subs, "0", key).is_none());
    }
}
