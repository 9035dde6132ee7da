// Copyright 2026 The IntelliSIEM Authors
// SPDX-License-Identifier: Apache-2.0

//! What the store keeps of each source's push-back (table `push_state`): how far the
//! stored hits (and, later, triage marks) were pushed, the batch in flight, the push
//! lease, and the last run's outcome. Pure: a backend reads a source's [`PushRow`]
//! under a lock (SQLite's `BEGIN IMMEDIATE`, PostgreSQL's `SELECT ... FOR UPDATE`),
//! calls [`PushOp::apply`], and writes the row back in the same transaction, so every
//! process sharing the store pushes each sighting once.
//!
//! A batch is written ahead: [`PushOp::Begin`] records the last row id it covers before
//! its first request, [`PushOp::Send`] and [`PushOp::Acked`] count its requests begun
//! and answered, and [`PushOp::Finish`] moves the mark past it. A pusher that finds a
//! batch begun by a process that died knows which request may or may not have reached
//! the server (`sent > acked`), and can send it again (TAXII objects carry ids, so a
//! server keeps a repeat once) or pass over it (a MISP sighting has no id: a repeat
//! would count twice).

use std::time::Duration;

use jiff::Timestamp;

/// Which stored findings a batch reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushStream {
    /// Hits in the logs (`sightings`, by row id).
    Hits,
    /// Triage marks (by row id).
    Marks,
}

impl PushStream {
    /// The name kept in `push_state.batch_stream`.
    pub fn as_str(self) -> &'static str {
        match self {
            PushStream::Hits => "hits",
            PushStream::Marks => "marks",
        }
    }

    /// Reads a stored name; anything else is `None` (no batch).
    pub fn parse(s: &str) -> Option<PushStream> {
        match s {
            "hits" => Some(PushStream::Hits),
            "marks" => Some(PushStream::Marks),
            _ => None,
        }
    }
}

/// One source's push state, as stored. Times are milliseconds since the Unix epoch.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PushRow {
    /// Row id of the last hit pushed or passed over; later hits are pending.
    pub hits_upto: i64,
    /// Row id of the last triage mark pushed; `None` until marks are first pushed.
    pub marks_upto: Option<i64>,
    /// The batch in flight: its stream and the last row id it covers.
    pub batch: Option<(PushStream, i64)>,
    /// Requests of the batch begun, and answered.
    pub sent: u32,
    pub acked: u32,
    /// Our STIX identity for this source (`identity--<uuid>`): the `where_sighted_refs`
    /// and `created_by_ref` of every sighting, the same for every process.
    pub identity: String,
    /// When the state was made (ms): the identity's `created`.
    pub created_ms: i64,
    /// The identity object was accepted by the server.
    pub identity_sent: bool,
    /// Who holds the push lease, and until when (ms); empty and 0: nobody.
    pub holder: String,
    pub lease_until: i64,
    /// When the last push run ended (ms), how many sightings it pushed, and why it
    /// failed (`None`: it did not).
    pub last_at: Option<i64>,
    pub last_count: u64,
    pub last_error: Option<String>,
    /// Sightings pushed in all.
    pub total: u64,
}

impl PushRow {
    /// When the last push run ended.
    pub fn last_time(&self) -> Option<Timestamp> {
        self.last_at
            .and_then(|ms| Timestamp::from_millisecond(ms).ok())
    }
}

/// What the store knows at the moment it applies an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreFacts {
    /// The row id of the newest stored hit (0: none).
    pub newest_hit: i64,
    /// Row ids start again once the hits table was emptied (SQLite without
    /// `AUTOINCREMENT`); PostgreSQL's sequence never goes back.
    pub reuses_ids: bool,
}

/// One change to a source's push state. Every operation but [`PushOp::Claim`] needs the
/// lease, and renews it for `ttl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOp {
    /// Takes the lease for `ttl` when it is free, expired or already ours. A source
    /// pushed for the first time starts after the newest stored hit (nothing found
    /// before push was turned on is pushed), with `identity` as its STIX identity.
    Claim {
        holder: String,
        now: Timestamp,
        ttl: Duration,
        identity: String,
    },
    /// Makes the state when the source has none (starting after the newest stored hit,
    /// as [`PushOp::Claim`] would), without the lease; changes nothing otherwise.
    Start { now: Timestamp, identity: String },
    /// Marks start after `newest` (the newest stored mark), unless they started before.
    StartMarks {
        holder: String,
        now: Timestamp,
        ttl: Duration,
        newest: i64,
    },
    /// A batch of `stream` up to row id `upto` is in flight.
    Begin {
        holder: String,
        now: Timestamp,
        ttl: Duration,
        stream: PushStream,
        upto: i64,
    },
    /// Request number `n` (from 0) of the batch is about to be sent.
    Send {
        holder: String,
        now: Timestamp,
        ttl: Duration,
        n: u32,
    },
    /// Request number `n` was answered and `pushed` sightings went with it.
    Acked {
        holder: String,
        now: Timestamp,
        ttl: Duration,
        n: u32,
        pushed: u64,
    },
    /// The request begun last did not reach the server, or the server refused it: it
    /// is to be sent again.
    Unsent {
        holder: String,
        now: Timestamp,
        ttl: Duration,
    },
    /// A request begun but never answered counts as answered: it is not sent again.
    PassOver {
        holder: String,
        now: Timestamp,
        ttl: Duration,
    },
    /// The batch is through: its stream's mark moves to its end.
    Finish {
        holder: String,
        now: Timestamp,
        ttl: Duration,
    },
    /// The server holds our identity object.
    IdentitySent {
        holder: String,
        now: Timestamp,
        ttl: Duration,
    },
    /// The run ends: the lease is given back with what it did.
    Release {
        holder: String,
        now: Timestamp,
        count: u64,
        error: Option<String>,
    },
}

/// What a [`PushOp`] answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushReply {
    /// Done; the state as it is now.
    Done(PushRow),
    /// Another process holds the lease until `until`.
    HeldBy { holder: String, until: Timestamp },
    /// The lease is not ours (any more): the caller stops.
    Lost,
}

fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

fn until(now: Timestamp, ttl: Duration) -> i64 {
    ms(now).saturating_add(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 4))
}

impl PushOp {
    /// Applies the operation to `row` (`None`: the source has no state yet); the caller
    /// writes back the row it leaves (`None`: nothing to write).
    pub fn apply(self, row: &mut Option<PushRow>, facts: StoreFacts) -> PushReply {
        if let PushOp::Claim {
            holder,
            now,
            ttl,
            identity,
        } = self
        {
            let r = row.get_or_insert_with(|| PushRow {
                hits_upto: facts.newest_hit,
                identity,
                created_ms: ms(now),
                ..PushRow::default()
            });
            if r.holder != holder && !r.holder.is_empty() && r.lease_until >= ms(now) {
                return PushReply::HeldBy {
                    holder: r.holder.clone(),
                    until: Timestamp::from_millisecond(r.lease_until).unwrap_or(now),
                };
            }
            r.holder = holder;
            r.lease_until = until(now, ttl);
            // The hits table was emptied and its row ids start again.
            if facts.reuses_ids && facts.newest_hit < r.hits_upto {
                r.hits_upto = 0;
                if matches!(r.batch, Some((PushStream::Hits, _))) {
                    r.batch = None;
                    (r.sent, r.acked) = (0, 0);
                }
            }
            return PushReply::Done(r.clone());
        }
        if let PushOp::Start { now, identity } = self {
            let r = row.get_or_insert_with(|| PushRow {
                hits_upto: facts.newest_hit,
                identity,
                created_ms: ms(now),
                ..PushRow::default()
            });
            return PushReply::Done(r.clone());
        }
        let Some(r) = row.as_mut() else {
            return PushReply::Lost;
        };
        let (holder, now) = self.who();
        if r.holder != holder || r.lease_until < ms(now) {
            return PushReply::Lost;
        }
        match self {
            PushOp::Claim { .. } | PushOp::Start { .. } => {}
            PushOp::StartMarks { ttl, newest, .. } => {
                r.marks_upto.get_or_insert(newest);
                r.lease_until = until(now, ttl);
            }
            PushOp::Begin {
                ttl, stream, upto, ..
            } => {
                r.batch = Some((stream, upto));
                (r.sent, r.acked) = (0, 0);
                r.lease_until = until(now, ttl);
            }
            PushOp::Send { ttl, n, .. } => {
                r.sent = r.sent.max(n.saturating_add(1));
                r.lease_until = until(now, ttl);
            }
            PushOp::Acked { ttl, n, pushed, .. } => {
                r.acked = r.acked.max(n.saturating_add(1));
                r.sent = r.sent.max(r.acked);
                r.total = r.total.saturating_add(pushed);
                r.lease_until = until(now, ttl);
            }
            PushOp::Unsent { ttl, .. } => {
                r.sent = r.acked;
                r.lease_until = until(now, ttl);
            }
            PushOp::PassOver { ttl, .. } => {
                r.acked = r.sent;
                r.lease_until = until(now, ttl);
            }
            PushOp::Finish { ttl, .. } => {
                match r.batch.take() {
                    Some((PushStream::Hits, upto)) => r.hits_upto = r.hits_upto.max(upto),
                    Some((PushStream::Marks, upto)) => {
                        r.marks_upto = Some(r.marks_upto.unwrap_or(0).max(upto));
                    }
                    None => {}
                }
                (r.sent, r.acked) = (0, 0);
                r.lease_until = until(now, ttl);
            }
            PushOp::IdentitySent { ttl, .. } => {
                r.identity_sent = true;
                r.lease_until = until(now, ttl);
            }
            PushOp::Release { count, error, .. } => {
                r.holder.clear();
                r.lease_until = 0;
                r.last_at = Some(ms(now));
                r.last_count = count;
                r.last_error = error;
            }
        }
        PushReply::Done(r.clone())
    }

    fn who(&self) -> (&str, Timestamp) {
        match self {
            PushOp::Start { now, .. } => ("", *now),
            PushOp::Claim { holder, now, .. }
            | PushOp::StartMarks { holder, now, .. }
            | PushOp::Begin { holder, now, .. }
            | PushOp::Send { holder, now, .. }
            | PushOp::Acked { holder, now, .. }
            | PushOp::Unsent { holder, now, .. }
            | PushOp::PassOver { holder, now, .. }
            | PushOp::Finish { holder, now, .. }
            | PushOp::IdentitySent { holder, now, .. }
            | PushOp::Release { holder, now, .. } => (holder, *now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    const TTL: Duration = Duration::from_secs(600);
    const PG: StoreFacts = StoreFacts {
        newest_hit: 40,
        reuses_ids: false,
    };

    fn claim(who: &str, s: i64) -> PushOp {
        PushOp::Claim {
            holder: who.into(),
            now: t(s),
            ttl: TTL,
            identity: format!("identity--{who}"),
        }
    }

    fn done(r: PushReply) -> PushRow {
        match r {
            PushReply::Done(r) => r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_first_claim_starts_after_the_newest_hit_and_keeps_its_identity() {
        let mut row = None;
        let r = done(claim("a", 0).apply(&mut row, PG));
        assert_eq!(r.hits_upto, 40, "hits found before push was on stay home");
        assert_eq!(r.identity, "identity--a");
        assert_eq!(r.marks_upto, None);
        // A later claim by another process keeps the identity the first one made.
        let r = done(
            PushOp::Release {
                holder: "a".into(),
                now: t(1),
                count: 0,
                error: None,
            }
            .apply(&mut row, PG),
        );
        assert!(r.holder.is_empty());
        let r = done(claim("b", 2).apply(&mut row, PG));
        assert_eq!(
            (r.identity.as_str(), r.holder.as_str()),
            ("identity--a", "b")
        );
    }

    #[test]
    fn the_lease_is_held_until_it_expires_and_lost_ops_say_so() {
        let mut row = None;
        done(claim("a", 0).apply(&mut row, PG));
        assert!(matches!(
            claim("b", 10).apply(&mut row, PG),
            PushReply::HeldBy { holder, .. } if holder == "a"
        ));
        // Ours again is fine; after the lease lapses another takes it over.
        done(claim("a", 20).apply(&mut row, PG));
        done(claim("b", 20 + 601).apply(&mut row, PG));
        let begin = PushOp::Begin {
            holder: "a".into(),
            now: t(700),
            ttl: TTL,
            stream: PushStream::Hits,
            upto: 50,
        };
        assert_eq!(begin.apply(&mut row, PG), PushReply::Lost);
        assert_eq!(
            PushOp::Finish {
                holder: "x".into(),
                now: t(0),
                ttl: TTL
            }
            .apply(&mut None, PG),
            PushReply::Lost
        );
    }

    #[test]
    fn a_batch_is_written_ahead_and_a_cut_off_request_is_known() {
        let mut row = None;
        done(claim("a", 0).apply(&mut row, PG));
        let op = |f: fn(String, Timestamp) -> PushOp| f("a".into(), t(1));
        done(
            op(|h, now| PushOp::Begin {
                holder: h,
                now,
                ttl: TTL,
                stream: PushStream::Hits,
                upto: 45,
            })
            .apply(&mut row, PG),
        );
        done(
            op(|h, now| PushOp::Send {
                holder: h,
                now,
                ttl: TTL,
                n: 0,
            })
            .apply(&mut row, PG),
        );
        let r = done(
            op(|h, now| PushOp::Acked {
                holder: h,
                now,
                ttl: TTL,
                n: 0,
                pushed: 3,
            })
            .apply(&mut row, PG),
        );
        assert_eq!((r.sent, r.acked, r.total), (1, 1, 3));
        // The second request is begun, then its process dies.
        let r = done(
            op(|h, now| PushOp::Send {
                holder: h,
                now,
                ttl: TTL,
                n: 1,
            })
            .apply(&mut row, PG),
        );
        assert_eq!((r.sent, r.acked, r.hits_upto), (2, 1, 40));
        // Another process finds it after the lease lapsed.
        let r = done(claim("b", 700).apply(&mut row, PG));
        assert_eq!(r.batch, Some((PushStream::Hits, 45)));
        assert!(r.sent > r.acked, "request 1 may or may not have arrived");
        let by_b = |f: fn(String, Timestamp) -> PushOp| f("b".into(), t(701));
        let r = done(
            by_b(|h, now| PushOp::PassOver {
                holder: h,
                now,
                ttl: TTL,
            })
            .apply(&mut row, PG),
        );
        assert_eq!((r.sent, r.acked), (2, 2));
        let r = done(
            by_b(|h, now| PushOp::Finish {
                holder: h,
                now,
                ttl: TTL,
            })
            .apply(&mut row, PG),
        );
        assert_eq!((r.hits_upto, r.batch, r.sent), (45, None, 0));
        // A refused request is to be sent again.
        done(
            by_b(|h, now| PushOp::Begin {
                holder: h,
                now,
                ttl: TTL,
                stream: PushStream::Marks,
                upto: 7,
            })
            .apply(&mut row, PG),
        );
        done(
            by_b(|h, now| PushOp::Send {
                holder: h,
                now,
                ttl: TTL,
                n: 0,
            })
            .apply(&mut row, PG),
        );
        let r = done(
            by_b(|h, now| PushOp::Unsent {
                holder: h,
                now,
                ttl: TTL,
            })
            .apply(&mut row, PG),
        );
        assert_eq!((r.sent, r.acked), (0, 0));
        let r = done(
            by_b(|h, now| PushOp::Finish {
                holder: h,
                now,
                ttl: TTL,
            })
            .apply(&mut row, PG),
        );
        assert_eq!((r.marks_upto, r.hits_upto), (Some(7), 45));
    }

    #[test]
    fn marks_start_once_and_an_emptied_sqlite_table_starts_hits_again() {
        let mut row = None;
        done(claim("a", 0).apply(&mut row, PG));
        let start = |newest| PushOp::StartMarks {
            holder: "a".into(),
            now: t(1),
            ttl: TTL,
            newest,
        };
        assert_eq!(done(start(12).apply(&mut row, PG)).marks_upto, Some(12));
        assert_eq!(done(start(99).apply(&mut row, PG)).marks_upto, Some(12));
        // PostgreSQL never reuses an id: a lower newest id changes nothing.
        let low = StoreFacts {
            newest_hit: 3,
            reuses_ids: false,
        };
        assert_eq!(done(claim("a", 2).apply(&mut row, low)).hits_upto, 40);
        let sqlite = StoreFacts {
            newest_hit: 3,
            reuses_ids: true,
        };
        assert_eq!(done(claim("a", 3).apply(&mut row, sqlite)).hits_upto, 0);
    }

    #[test]
    fn start_makes_the_state_once_without_the_lease() {
        let mut row = None;
        let start = || PushOp::Start {
            now: t(0),
            identity: "identity--s".into(),
        };
        let r = done(start().apply(&mut row, PG));
        assert_eq!((r.hits_upto, r.holder.as_str()), (40, ""));
        done(claim("a", 1).apply(&mut row, PG));
        let later = StoreFacts {
            newest_hit: 90,
            reuses_ids: false,
        };
        let r = done(start().apply(&mut row, later));
        assert_eq!(
            (r.hits_upto, r.holder.as_str(), r.identity.as_str()),
            (40, "a", "identity--s")
        );
    }

    #[test]
    fn release_keeps_the_outcome() {
        let mut row = None;
        done(claim("a", 0).apply(&mut row, PG));
        let r = done(
            PushOp::Release {
                holder: "a".into(),
                now: t(5),
                count: 4,
                error: Some("HTTP 500".into()),
            }
            .apply(&mut row, PG),
        );
        assert_eq!(r.last_time(), Some(t(5)));
        assert_eq!(
            (r.last_count, r.last_error.as_deref()),
            (4, Some("HTTP 500"))
        );
        assert_eq!(PushStream::parse("marks"), Some(PushStream::Marks));
        assert_eq!(PushStream::parse("x"), None);
    }
}
