//! Telegram's flood limits for pushed messages, as its Bot FAQ states them: about one
//! message a second to one chat, 20 a minute to one group or channel, about 30 a second in
//! all. A pure schedule (time is passed in, so tests need no clock): the alert sender asks
//! when the next message to a chat may go, and tells it about sends, replies and 429s.
//! Replies to commands go first: each reply takes its chat's slot and a share of the global
//! budget, and alerts wait for what is left, so a burst of alerts never delays an answer.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// The limits; [`Default`] is Telegram's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FloodLimits {
    /// Least time between two messages to one chat.
    pub per_chat: Duration,
    /// Messages a minute to one group, supergroup or channel.
    pub per_group_minute: usize,
    /// Messages a second in all (alerts and replies together).
    pub per_second: usize,
    /// Of those, how many alerts may take in one second (the rest is kept for replies).
    pub alerts_per_second: usize,
}

impl Default for FloodLimits {
    fn default() -> Self {
        Self {
            per_chat: Duration::from_secs(1),
            per_group_minute: 20,
            per_second: 30,
            alerts_per_second: 25,
        }
    }
}

/// Recent sends of one chat.
#[derive(Debug, Default)]
struct ChatLog {
    last: Option<Instant>,
    /// Sends within the last minute (groups only).
    minute: VecDeque<Instant>,
    /// No sends before this (Telegram's `retry_after`).
    frozen_until: Option<Instant>,
}

/// The schedule of sends: per chat and overall.
#[derive(Debug)]
pub struct FloodSchedule {
    limits: FloodLimits,
    chats: HashMap<i64, ChatLog>,
    /// Every send within the last second, and which were alerts.
    second: VecDeque<(Instant, bool)>,
}

const MINUTE: Duration = Duration::from_secs(60);
const SECOND: Duration = Duration::from_secs(1);

/// Group, supergroup and channel ids are negative in the Bot API.
pub fn is_group(chat: i64) -> bool {
    chat < 0
}

impl FloodSchedule {
    pub fn new(limits: FloodLimits) -> Self {
        Self {
            limits,
            chats: HashMap::new(),
            second: VecDeque::new(),
        }
    }

    fn forget_old(&mut self, now: Instant) {
        while self
            .second
            .front()
            .is_some_and(|(t, _)| now.saturating_duration_since(*t) >= SECOND)
        {
            self.second.pop_front();
        }
    }

    /// The earliest instant (`now` or later) an alert may go to `chat`.
    pub fn alert_ready_at(&mut self, chat: i64, now: Instant) -> Instant {
        self.forget_old(now);
        let mut at = now;
        if let Some(log) = self.chats.get_mut(&chat) {
            if let Some(frozen) = log.frozen_until {
                at = at.max(frozen);
            }
            if let Some(last) = log.last {
                at = at.max(last + self.limits.per_chat);
            }
            while log
                .minute
                .front()
                .is_some_and(|t| now.saturating_duration_since(*t) >= MINUTE)
            {
                log.minute.pop_front();
            }
            if is_group(chat) && log.minute.len() >= self.limits.per_group_minute {
                let oldest = log.minute[log.minute.len() - self.limits.per_group_minute];
                at = at.max(oldest + MINUTE);
            }
        }
        let alerts = self.second.iter().filter(|(_, alert)| *alert).count();
        let all = self.second.len();
        if alerts >= self.limits.alerts_per_second || all >= self.limits.per_second {
            // Wait until the oldest send of the last second leaves the window.
            if let Some((t, _)) = self.second.front() {
                at = at.max(*t + SECOND);
            }
        }
        at
    }

    /// Records a message sent to `chat` at `now` (`alert` false for a reply).
    pub fn sent(&mut self, chat: i64, alert: bool, now: Instant) {
        self.forget_old(now);
        let log = self.chats.entry(chat).or_default();
        log.last = Some(log.last.map_or(now, |l| l.max(now)));
        if is_group(chat) {
            log.minute.push_back(now);
        }
        self.second.push_back((now, alert));
    }

    /// Telegram answered 429 for `chat`: nothing more to it until `retry_after` has passed.
    pub fn retry_after(&mut self, chat: i64, retry_after: Duration, now: Instant) {
        let log = self.chats.entry(chat).or_default();
        let until = now + retry_after;
        log.frozen_until = Some(log.frozen_until.map_or(until, |f| f.max(until)));
    }

    /// Forgets chats not written to for a minute, so the map stays as small as the set of
    /// active chats.
    pub fn prune(&mut self, now: Instant) {
        self.chats.retain(|_, log| {
            let recent = log
                .last
                .is_some_and(|l| now.saturating_duration_since(l) < MINUTE);
            let frozen = log.frozen_until.is_some_and(|f| f > now);
            recent || frozen
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_message_a_second_per_chat() {
        let t0 = Instant::now();
        let mut s = FloodSchedule::new(FloodLimits::default());
        assert_eq!(s.alert_ready_at(1, t0), t0);
        s.sent(1, true, t0);
        assert_eq!(s.alert_ready_at(1, t0), t0 + SECOND);
        assert_eq!(s.alert_ready_at(2, t0), t0, "another chat is not held up");
    }

    #[test]
    fn twenty_a_minute_per_group() {
        let t0 = Instant::now();
        let mut s = FloodSchedule::new(FloodLimits::default());
        let mut now = t0;
        for _ in 0..20 {
            now = s.alert_ready_at(-100, now);
            s.sent(-100, true, now);
        }
        assert_eq!(now, t0 + Duration::from_secs(19));
        assert_eq!(
            s.alert_ready_at(-100, now),
            t0 + MINUTE,
            "the 21st waits for the minute"
        );
        // A private chat has no per-minute cap.
        let mut s = FloodSchedule::new(FloodLimits::default());
        let mut now = t0;
        for _ in 0..30 {
            now = s.alert_ready_at(7, now);
            s.sent(7, true, now);
        }
        assert_eq!(now, t0 + Duration::from_secs(29));
    }

    #[test]
    fn alerts_leave_room_for_replies() {
        let t0 = Instant::now();
        let limits = FloodLimits::default();
        let mut s = FloodSchedule::new(limits);
        for chat in 0..limits.alerts_per_second as i64 {
            assert_eq!(s.alert_ready_at(chat, t0), t0);
            s.sent(chat, true, t0);
        }
        assert_eq!(s.alert_ready_at(999, t0), t0 + SECOND, "alert budget spent");
        // Replies still fit in the overall budget; then alerts wait for it too.
        for chat in 0..5 {
            s.sent(1000 + chat, false, t0);
        }
        assert_eq!(
            s.alert_ready_at(999, t0 + Duration::from_millis(999)),
            t0 + SECOND
        );
        assert_eq!(s.alert_ready_at(999, t0 + SECOND), t0 + SECOND);
    }

    #[test]
    fn retry_after_holds_only_that_chat() {
        let t0 = Instant::now();
        let mut s = FloodSchedule::new(FloodLimits::default());
        s.retry_after(5, Duration::from_secs(3), t0);
        assert_eq!(s.alert_ready_at(5, t0), t0 + Duration::from_secs(3));
        assert_eq!(s.alert_ready_at(6, t0), t0);
        s.prune(t0 + Duration::from_secs(4));
        assert_eq!(
            s.alert_ready_at(5, t0 + Duration::from_secs(4)),
            t0 + Duration::from_secs(4)
        );
    }
}
