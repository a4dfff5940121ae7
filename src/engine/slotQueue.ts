import { GuruError } from "../errors.js";
import { abortReason } from "./abortReason.js";

export interface SlotLease {
  readonly slot: number;
  /** Gives the slot back; calling it again does nothing. */
  release(): void;
}

export interface AcquireOptions {
  readonly signal?: AbortSignal;
  /** Called with the 1-based place in line whenever it changes (1 = served next). */
  readonly onPosition?: (position: number) => void;
  /** A slot to take if it is free when this request's turn comes (warm conversations). */
  readonly preferredSlot?: number;
}

export interface SlotQueueOptions {
  /** How many holders at once. */
  readonly slots: number;
  /** How many slots exist to choose from (≥ `slots`): extra ones keep more conversations warm. */
  readonly sequences?: number;
  readonly maxWaiting: number;
  readonly maxWaitingPerUser: number;
}

export interface SlotQueueStats {
  readonly slots: number;
  readonly busy: number;
  readonly waiting: number;
}

interface Waiter {
  readonly owner: string;
  readonly options: AcquireOptions;
  readonly grant: (lease: SlotLease) => void;
  readonly refuse: (error: GuruError) => void;
  position: number;
}

/**
 * Admits at most `slots` holders at a time, each on one of `sequences` slot indexes. Waiting requests are served round-robin across
 * owners (users), so one user's flood cannot starve another user's single request; the line
 * and each owner's share of it are bounded, and a request past either bound is refused at once.
 */
export class SlotQueue {
  /** Free slots, least recently used first, so a warm slot stays warm as long as possible. */
  private readonly free: number[];
  private readonly lines = new Map<string, Waiter[]>();
  /** Owners with someone waiting, in serving order; `cursor` is whose turn is next. */
  private ring: string[] = [];
  private cursor = 0;
  private waitingCount = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  private busy = 0;
  private capacity: number;
  /** Why nothing can be served while the capacity is 0 (every server down). */
  private unavailable: GuruError | undefined;

  constructor(private readonly options: SlotQueueOptions) {
    this.capacity = options.slots;
    const sequences = Math.max(options.slots, options.sequences ?? options.slots);
    this.free = Array.from({ length: sequences }, (_, slot) => slot);
  }

  /**
   * Changes how many holders may run at once (inference servers joining or leaving). Running
   * leases keep their slots; at 0, everyone waiting and every newcomer is refused with `reason`
   * at once instead of waiting for a capacity that may never come back.
   */
  resize(slots: number, reason?: GuruError): void {
    this.capacity = slots;
    for (let slot = this.free.length + this.busy; slot < slots; slot += 1) this.free.push(slot);
    this.unavailable = slots === 0 ? (reason ?? engineUnavailable()) : undefined;
    if (this.unavailable) this.refuseAll(this.unavailable);
    else this.dispatch();
  }

  /**
   * The refusal `owner` would get from `acquire` now (shutting down, unavailable, the line or
   * their share of it full), or undefined: cheap, so a front can refuse before doing any work.
   */
  refusal(owner: string): GuruError | undefined {
    if (this.closed) return shuttingDown();
    if (this.unavailable) return this.unavailable;
    if (this.waitingCount === 0 && this.busy < this.capacity) return undefined;
    if (this.waitingCount >= this.options.maxWaiting) {
      return new GuruError(
        "QUEUE_FULL",
        "Guru is busy: too many requests are waiting. Please try again in a minute.",
      );
    }
    const waiting = this.lines.get(owner)?.length ?? 0;
    if (waiting >= this.options.maxWaitingPerUser) {
      return new GuruError(
        "USER_QUEUE_FULL",
        `You already have ${waiting} requests waiting. Wait for an answer before asking more.`,
      );
    }
    return undefined;
  }

  acquire(owner: string, options: AcquireOptions = {}): Promise<SlotLease> {
    const refused = this.refusal(owner);
    if (refused) return Promise.reject(refused);
    if (options.signal?.aborted) return Promise.reject(abortReason(options.signal));
    if (this.waitingCount === 0 && this.busy < this.capacity) {
      return Promise.resolve(this.lease(this.takeSlot(options.preferredSlot)));
    }
    const line = this.lines.get(owner) ?? [];
    return new Promise<SlotLease>((resolve, reject) => {
      const onAbort = () => {
        if (this.remove(waiter)) {
          reject(abortReason(options.signal as AbortSignal));
          this.publishPositions();
        }
      };
      const waiter: Waiter = {
        owner,
        options,
        position: 0,
        grant: (lease) => {
          options.signal?.removeEventListener("abort", onAbort);
          resolve(lease);
        },
        refuse: (error) => {
          options.signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (line.length === 0) {
        this.lines.set(owner, line);
        this.joinRing(owner);
      }
      line.push(waiter);
      this.waitingCount += 1;
      this.publishPositions();
    });
  }

  stats(): SlotQueueStats {
    return { slots: this.capacity, busy: this.busy, waiting: this.waitingCount };
  }

  /** Stops admitting: everyone waiting is refused; running leases keep their slots. */
  close(): void {
    this.closed = true;
    this.refuseAll(shuttingDown());
  }

  /** Resolves once no slot is held. */
  whenIdle(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private refuseAll(error: GuruError): void {
    const refused = [...this.lines.values()].flat();
    this.lines.clear();
    this.ring = [];
    this.cursor = 0;
    this.waitingCount = 0;
    for (const waiter of refused) waiter.refuse(error);
  }

  private lease(slot: number): SlotLease {
    let released = false;
    this.busy += 1;
    return {
      slot,
      release: () => {
        if (released) return;
        released = true;
        this.busy -= 1;
        this.free.push(slot);
        this.dispatch();
        if (this.busy === 0) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          for (const resolve of waiters) resolve();
        }
      },
    };
  }

  private takeSlot(preferred: number | undefined): number {
    const index = preferred === undefined ? -1 : this.free.indexOf(preferred);
    const [slot] = this.free.splice(Math.max(index, 0), 1);
    if (slot === undefined) throw new Error("takeSlot called with no free slot");
    return slot;
  }

  private dispatch(): void {
    let granted = false;
    while (this.busy < this.capacity && this.waitingCount > 0 && this.free.length > 0) {
      const waiter = this.nextWaiter();
      waiter.grant(this.lease(this.takeSlot(waiter.options.preferredSlot)));
      granted = true;
    }
    if (granted) this.publishPositions();
  }

  private nextWaiter(): Waiter {
    const owner = this.ring[this.cursor] as string;
    const line = this.lines.get(owner) as Waiter[];
    const waiter = line.shift() as Waiter;
    this.waitingCount -= 1;
    if (line.length === 0) this.leaveRing(owner);
    else this.cursor = (this.cursor + 1) % this.ring.length;
    return waiter;
  }

  /** A newcomer is served last in the current round, after everyone already waiting once. */
  private joinRing(owner: string): void {
    this.ring.splice(this.cursor, 0, owner);
    this.cursor = (this.cursor + 1) % this.ring.length;
  }

  private leaveRing(owner: string): void {
    const index = this.ring.indexOf(owner);
    this.ring.splice(index, 1);
    this.lines.delete(owner);
    if (index < this.cursor) this.cursor -= 1;
    if (this.cursor >= this.ring.length) this.cursor = 0;
  }

  private remove(waiter: Waiter): boolean {
    const line = this.lines.get(waiter.owner);
    const index = line ? line.indexOf(waiter) : -1;
    if (!line || index < 0) return false;
    line.splice(index, 1);
    this.waitingCount -= 1;
    if (line.length === 0) this.leaveRing(waiter.owner);
    return true;
  }

  /** Serving order is round-robin from the cursor: one per owner per round. */
  private publishPositions(): void {
    let position = 0;
    const ordered =
      this.ring.length === 0 ? [] : [...this.ring.slice(this.cursor), ...this.ring.slice(0, this.cursor)];
    const depth = Math.max(0, ...ordered.map((owner) => this.lines.get(owner)?.length ?? 0));
    for (let round = 0; round < depth; round += 1) {
      for (const owner of ordered) {
        const waiter = this.lines.get(owner)?.[round];
        if (!waiter) continue;
        position += 1;
        if (waiter.position !== position) {
          waiter.position = position;
          waiter.options.onPosition?.(position);
        }
      }
    }
  }
}

export function engineUnavailable(): GuruError {
  return new GuruError(
    "ENGINE_UNAVAILABLE",
    "No inference server is reachable, so Guru cannot answer right now. Try again in a minute; operators: run `guru doctor`.",
  );
}

function shuttingDown(): GuruError {
  return new GuruError(
    "SHUTTING_DOWN",
    "Guru is restarting or shutting down and could not answer this. Ask again once it is back.",
  );
}
