/**
 * The dispatcher sends what the outbox holds. Per channel, every due alert row becomes ONE message, at most
 * alerts.perChannelPerHour messages per rolling hour; rows over the limit wait and fold into the next
 * message (never dropped). Failures follow their kind: retry (exponential backoff, dead after
 * delivery.maxAttempts), gone (the channel's subscriptions end at once), moved (subscriptions follow the
 * chat to its new id and the message is sent there), rejected (dead). Sent alerts whose stories grew are
 * edited in place; a failed edit is logged, never fatal.
 */
import type Database from 'better-sqlite3';
import type { ChannelRef } from '../chat/command.js';
import type { Message } from '../chat/message.js';
import type { StoryView } from '../chat/views.js';
import type { Clock } from '../clock.js';
import type { Settings } from '../config/settings-schema.js';
import { createOutbox, describeChannel } from './outbox.js';
import type { ClaimedAlert, ClaimedDigest, PendingEdit } from './outbox.js';
import type { MessageSender, SendFailure } from './sender.js';
import { createSubscriptions } from './subscriptions.js';
import { createSendSlots } from './send-slots.js';
import { messageKey } from './message-key.js';
import { errorText } from '../error-text.js';

const HOUR = 60 * 60_000;

/** A pino-like logger. */
export type DeliveryLogger = {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

/** What a digest message is built from (src/digest builds it). `topics` is 'all' or topic ids. */
export type DigestRequest = { channel: ChannelRef; topics: 'all' | string[]; since: number; until: number };

/** Everything the dispatcher is built from. */
export type DispatcherDeps = {
  db: Database.Database;
  senders: ReadonlyMap<ChannelRef['platform'], MessageSender>;
  clock: Clock;
  settings: Pick<Settings, 'alerts' | 'delivery' | 'digest'>;
  /** A story as it is now (current sources), or null when it is no longer stored. */
  loadStory: (id: string) => StoryView | null;
  formatAlert: (stories: readonly StoryView[], options: { folded?: number; now?: number }) => Message;
  buildDigestMessage: (request: DigestRequest) => Message | Promise<Message>;
  logger?: DeliveryLogger;
  /** Stories listed in one alert message; the rest are counted as "+N more". Default 10. */
  maxStoriesPerMessage?: number;
  /** Real-time interval between runs once started. Default 1000 ms. */
  tickMs?: number;
  /**
   * Channels sent to at once (each channel's own messages stay in order). The platforms pace the rate;
   * this only keeps the round trip from being the limit. Default 32.
   */
  concurrency?: number;
};

/** What one run did. */
export type DispatchReport = {
  /** Messages sent (alerts and digests). */
  messages: number;
  /** Rows marked sent. */
  rowsSent: number;
  /** Rows waiting for the hourly limit. */
  held: number;
  retried: number;
  dead: number;
  edited: number;
  channelsGone: number;
  channelsMoved: number;
};

const silentLogger: DeliveryLogger = { info: () => {}, warn: () => {}, error: () => {} };

/** Delay before retry `attempts` + 1: base × 2^(attempts − 1) capped at max; a longer Retry-After wins. */
export function retryDelay(attempts: number, delivery: Settings['delivery'], retryAfterMs?: number): number {
  const exponent = Math.min(Math.max(0, attempts - 1), 40);
  const backoff = Math.min(delivery.retryBaseMs * 2 ** exponent, delivery.retryMaxMs);
  return Math.max(backoff, retryAfterMs ?? 0);
}

/** Builds the dispatcher; rows left in `sending` by a crash go back to pending here. */
export function createDispatcher(deps: DispatcherDeps) {
  const { db, senders, clock, settings } = deps;
  const logger = deps.logger ?? silentLogger;
  const maxStories = deps.maxStoriesPerMessage ?? 10;
  const concurrency = deps.concurrency ?? 32;
  const outbox = createOutbox(db, clock);
  const subscriptions = createSubscriptions(db, clock, { digestTime: settings.digest.time, timezone: settings.digest.timezone });
  const recovered = outbox.recoverInterrupted();
  if (recovered > 0) logger.warn({ rows: recovered }, 'outbox rows interrupted by a restart are pending again');

  // A channel whose message is to be tried again later is held until then as a whole: a newer alert must not
  // overtake the one waiting (they go out together, folded), and a rate-limited chat must not be hit early.
  // In memory: after a restart the platform says so again if it still has to.
  const heldUntil = new Map<string, number>();
  const holdChannel = (channel: ChannelRef, until: number) => {
    const key = describeChannel(channel);
    const current = heldUntil.get(key);
    // Held already: until the first of its messages is due (the rest are claimed when they are due).
    heldUntil.set(key, current !== undefined && current > clock.now() ? Math.min(current, until) : until);
  };
  const isHeld = (key: string, now: number): boolean => {
    const until = heldUntil.get(key);
    if (until === undefined) return false;
    if (until > now) return true;
    heldUntil.delete(key);
    return false;
  };

  const emptyReport = (): DispatchReport => ({
    messages: 0, rowsSent: 0, held: 0, retried: 0, dead: 0, edited: 0, channelsGone: 0, channelsMoved: 0,
  });
  let stopping = false;

  /** Applies a failed send to claimed rows; returns the new channel when the chat moved. */
  function fail(
    channel: ChannelRef,
    rows: readonly { id: number; attempts: number }[],
    result: SendFailure,
    report: DispatchReport,
  ): ChannelRef | null {
    const ids = rows.map((row) => row.id);
    switch (result.kind) {
      case 'retry':
        if (result.notSent) {
          // Turned away before it went out (the platform is stopping): pending again, the attempt not counted.
          outbox.release(ids);
          return null;
        }
        for (const row of rows) {
          if (row.attempts >= settings.delivery.maxAttempts) {
            outbox.kill([row.id], `gave up after ${row.attempts} attempts: ${result.reason}`);
            report.dead++;
          } else {
            const at = clock.now() + retryDelay(row.attempts, settings.delivery, result.retryAfterMs);
            outbox.retryLater(row.id, at, result.reason);
            holdChannel(channel, at);
            report.retried++;
          }
        }
        return null;
      case 'gone': {
        const reason = `gone: ${result.reason}`;
        subscriptions.deactivateChannel(channel, reason);
        outbox.kill(ids, reason);
        report.dead += ids.length;
        report.channelsGone++;
        logger.warn({ channel: describeChannel(channel), reason: result.reason }, 'channel gone; its subscriptions are deactivated');
        return null;
      }
      case 'moved':
        if (result.movedTo) {
          subscriptions.moveChannel(channel, result.movedTo);
          outbox.release(ids);
          report.channelsMoved++;
          logger.info({ from: describeChannel(channel), to: describeChannel(result.movedTo) }, 'chat moved; subscriptions follow');
          return result.movedTo;
        }
        outbox.kill(ids, `moved without a new id: ${result.reason}`);
        report.dead += ids.length;
        return null;
      case 'rejected':
        outbox.kill(ids, `rejected: ${result.reason}`);
        report.dead += ids.length;
        return null;
    }
  }

  async function sendAlerts(channel: ChannelRef, sender: MessageSender, report: DispatchReport, hops = 0): Promise<void> {
    const now = clock.now();
    if (outbox.alertsSentSince(channel, now - HOUR) >= settings.alerts.perChannelPerHour) {
      report.held += outbox.pendingAlertCount(channel);
      return;
    }
    const rows = outbox.claimAlerts(channel, now);
    if (rows.length === 0) return;
    const found: { row: ClaimedAlert; story: StoryView }[] = [];
    const missing: number[] = [];
    for (const row of rows) {
      const story = loadStory(row.storyId);
      if (story) found.push({ row, story });
      else missing.push(row.id);
    }
    if (missing.length > 0) {
      outbox.kill(missing, 'story no longer stored');
      report.dead += missing.length;
    }
    if (found.length === 0) return;
    // Newest first; past the cap the rest are counted, and all of them are marked sent with this message.
    found.sort((a, b) => b.story.publishedAt - a.story.publishedAt);
    const shown = found.slice(0, maxStories);
    const folded = found.length - shown.length;
    const message = deps.formatAlert(
      shown.map((entry) => entry.story),
      folded > 0 ? { folded, now } : { now },
    );
    const claimed = found.map((entry) => entry.row);
    const key = messageKey(channel, 'alert', claimed.map((row) => ({ id: row.id, what: row.storyId })));
    const result = await sender.send(channel, message, key);
    if (result.ok) {
      const sentId = outbox.complete(
        claimed.map((row) => row.id),
        { kind: 'alert', channel, messageIds: result.messageIds, storyIds: shown.map((e) => e.story.id), folded },
      );
      report.messages++;
      report.rowsSent += claimed.length;
      // A story that grew while this message was on its way (another outlet's copy came in meanwhile) asked
      // for edits of the messages sent before; this one was not sent yet, so it asks for its own now.
      if (shown.some((e) => (deps.loadStory(e.story.id)?.sources.length ?? 0) > e.story.sources.length)) outbox.markSentForEdit(sentId);
      return;
    }
    const movedTo = fail(channel, claimed, result, report);
    const target = movedTo ? senders.get(movedTo.platform) : undefined;
    // A chain of moves is a platform bug; stop after a few.
    if (movedTo && target && hops < 3) await sendAlerts(movedTo, target, report, hops + 1);
  }

  async function sendDigest(digest: ClaimedDigest, sender: MessageSender, report: DispatchReport): Promise<void> {
    let message: Message;
    try {
      message = await deps.buildDigestMessage({
        channel: digest.channel,
        topics: digest.topics,
        since: digest.since,
        until: digest.occurrence,
      });
    } catch (error) {
      const reason = `building the digest failed: ${errorText(error)}`;
      logger.error({ channel: describeChannel(digest.channel), reason }, 'digest not built');
      fail(digest.channel, [digest], { ok: false, kind: 'retry', reason }, report);
      return;
    }
    let channel = digest.channel;
    for (let hop = 0; hop < 3; hop++) {
      const result = await sender.send(channel, message, messageKey(channel, 'digest', [{ id: digest.id, what: digest.occurrence }]));
      if (result.ok) {
        outbox.complete([digest.id], { kind: 'digest', channel, messageIds: result.messageIds, storyIds: [], folded: 0 });
        report.messages++;
        report.rowsSent++;
        return;
      }
      const movedTo = fail(channel, [digest], result, report);
      if (!movedTo || movedTo.platform !== channel.platform) return;
      // The row followed the chat (unless that chat already had this digest); claim it again there.
      if (!outbox.claimOne(digest.id)) return;
      channel = movedTo;
    }
  }

  async function runEdit(edit: PendingEdit, sender: MessageSender, report: DispatchReport): Promise<void> {
    const stories = edit.storyIds.map((id) => loadStory(id)).filter((story) => story !== null);
    if (stories.length === 0) {
      outbox.editDrop(edit.id);
      return;
    }
    const now = clock.now();
    const message = deps.formatAlert(stories, edit.folded > 0 ? { folded: edit.folded, now } : { now });
    const result = await sender.edit(edit.channel, edit.messageIds, message);
    if (result.ok) {
      outbox.editDone(edit.id);
      report.edited++;
    } else if (result.kind === 'retry' && edit.editAttempts + 1 < settings.delivery.maxAttempts) {
      outbox.editLater(edit.id, clock.now() + retryDelay(edit.editAttempts + 1, settings.delivery, result.retryAfterMs));
    } else {
      outbox.editDrop(edit.id);
      logger.warn({ channel: describeChannel(edit.channel), reason: result.reason }, 'alert edit failed; the alert stays as sent');
      // An edit learns what a send would: the bot lost the channel, or the chat moved. Act on it now rather
      // than at the next send, which would fail (or go to the old chat) first.
      if (result.kind === 'gone' || (result.kind === 'moved' && result.movedTo)) fail(edit.channel, [], result, report);
    }
  }

  /** One channel's work in a pass, in order: its due alerts as one message, its digests, its edits. */
  type Lane = { channel: ChannelRef; sender: MessageSender; alerts: boolean; digests: ClaimedDigest[]; edits: PendingEdit[] };

  async function runLane(lane: Lane, report: DispatchReport): Promise<void> {
    if (lane.alerts && !stopping) await sendAlerts(lane.channel, lane.sender, report);
    for (const digest of lane.digests) {
      // Claimed but not attempted when stopping: back to pending without counting the attempt.
      if (stopping) outbox.release([digest.id]);
      else await sendDigest(digest, lane.sender, report);
    }
    for (const edit of lane.edits) if (!stopping) await runEdit(edit, lane.sender, report);
  }

  // Within one pass a story fanned out to many channels is read from the store once; the next pass reads
  // it afresh, so edits still see a story that has grown.
  let passStories = new Map<string, StoryView | null>();
  const loadStory = (id: string): StoryView | null => {
    if (!passStories.has(id)) passStories.set(id, deps.loadStory(id));
    return passStories.get(id) ?? null;
  };

  // A channel whose send is slow (a Telegram group at its per-minute limit, a Discord route in its 429
  // wait) must not hold up anyone else's news: a pass only starts each channel's lane, and the next pass
  // starts once they are all started, skipping the channels still busy. One lane per channel at a time
  // keeps a channel's messages in order and its hourly count exact.
  const busy = new Set<string>();
  const slots = createSendSlots(concurrency);
  const passes = new Set<Promise<DispatchReport>>();

  /** One pass: starts a lane for every channel with something due; `started` is called once all are started. */
  async function dispatch(started: () => void): Promise<DispatchReport> {
    passStories = new Map();
    const report = emptyReport();
    const now = clock.now();
    const lanes = new Map<string, Lane>();
    const laneOf = (channel: ChannelRef, sender: MessageSender): Lane => {
      const key = describeChannel(channel);
      let lane = lanes.get(key);
      if (!lane) lanes.set(key, (lane = { channel, sender, alerts: false, digests: [], edits: [] }));
      return lane;
    };
    for (const channel of outbox.dueAlertChannels(now)) {
      const sender = senders.get(channel.platform);
      if (sender) laneOf(channel, sender).alerts = true;
    }
    for (const digest of outbox.claimDigests(now, new Set(senders.keys()))) laneOf(digest.channel, senders.get(digest.channel.platform)!).digests.push(digest);
    // Generous: the edits of channels still busy are skipped below, and must not crowd out everyone else's.
    for (const edit of outbox.dueEdits(now, 500)) {
      const sender = senders.get(edit.channel.platform);
      if (sender) laneOf(edit.channel, sender).edits.push(edit);
    }
    const running: Promise<void>[] = [];
    for (const [key, lane] of lanes) {
      if (!busy.has(key) && !stopping && !isHeld(key, now)) {
        busy.add(key);
        await slots.take();
        // runLane itself sends nothing once stopping (set while this waited for a slot) and puts digests back.
        running.push(
          runLane(lane, report)
            .catch((error: unknown) => logger.error({ err: error, channel: key }, 'dispatch failed for a channel'))
            .finally(() => {
              busy.delete(key);
              slots.give();
            }),
        );
      } else {
        // Still busy from an earlier pass, held, or stopping: its digests wait for a later pass, attempt not counted.
        outbox.release(lane.digests.map((d) => d.id));
      }
    }
    started();
    await Promise.all(running);
    return report;
  }

  let starting: Promise<void> | null = null;
  let latest: Promise<DispatchReport> | null = null;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Starts a pass over everything due and resolves with its report once its lanes are done. Asked while a
   * pass is still starting its lanes, it shares that pass, and one more pass follows once they are started.
   */
  function runOnce(): Promise<DispatchReport> {
    if (starting && latest) {
      again = true;
      return latest;
    }
    let markStarted = () => {};
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const pass = dispatch(markStarted).catch((error: unknown) => {
      logger.error({ err: error }, 'dispatch pass failed');
      markStarted();
      return emptyReport();
    });
    starting = started;
    latest = pass;
    passes.add(pass);
    void pass.finally(() => passes.delete(pass));
    void started.then(() => {
      starting = null;
      if (again && !stopping) {
        again = false;
        void runOnce();
      }
    });
    return pass;
  }

  function schedule(): void {
    if (stopping) return;
    timer = setTimeout(() => {
      void runOnce();
      void (starting ?? Promise.resolve()).finally(schedule);
    }, deps.tickMs ?? 1000);
  }

  return {
    runOnce,
    /** Runs a pass every tickMs until stop(). */
    start(): void {
      stopping = false;
      void runOnce();
      void (starting ?? Promise.resolve()).finally(schedule);
    },
    /**
     * Sends everything due now and what that brings due, pass after pass, until a pass sends nothing or
     * `maxMs` (real time) passed: a console whose piped input ended prints the backlog it just promised.
     */
    async drain(maxMs: number): Promise<void> {
      const deadline = performance.now() + maxMs;
      while (!stopping && performance.now() < deadline) {
        // The passes under way first: a channel they are busy with would be skipped by a new one.
        await Promise.all(passes);
        const report = await runOnce();
        if (report.messages === 0 && report.edited === 0) return;
      }
    },
    /** Stops the loop; waits for the sends in flight (at most `graceMs`, default 4 s). */
    async stop(graceMs = 4000): Promise<void> {
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (passes.size === 0) return;
      let wait: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([Promise.all(passes), new Promise<void>((resolve) => (wait = setTimeout(resolve, graceMs)))]);
      clearTimeout(wait);
    },
  };
}

/** The dispatcher's API. */
export type Dispatcher = ReturnType<typeof createDispatcher>;
