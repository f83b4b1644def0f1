import { AppError, ErrorCode } from '@industrialmind/errors';
import type { Logger } from '@industrialmind/logger';

/** Closes one resource: stop a consumer, drain a server, disconnect a client. */
export type CloseFn = () => Promise<void> | void;

/** Stable `event` values of the lines operators alert on. */
export const LIFECYCLE_EVENTS = {
  startFailed: 'service.start_failed',
  uncaughtException: 'service.uncaught_exception',
  unhandledRejection: 'service.unhandled_rejection',
  shutdownTimedOut: 'service.shutdown_timed_out',
  resourceCloseFailed: 'service.resource_close_failed',
} as const;

export interface LifecycleOptions {
  logger: Logger;
  /**
   * Time from the start of shutdown to a forced `exit(1)`. Keep it below the pod's terminationGracePeriodSeconds
   * (30 s by default) so the process ends on its own terms. Default 25 000.
   */
  gracePeriodMs?: number;
  /** Longest wait for one resource's close before moving to the next; default 10 000 (and never past the grace period). */
  closeTimeoutMs?: number;
  /**
   * Wait between turning `/readyz` false and closing the first resource, so load balancers stop routing here
   * before intake stops. Default 0 (the Helm chart's preStop hook does this wait instead).
   */
  drainDelayMs?: number;
  /** Ends the process; injected by tests. Default `process.exit`. */
  exit?: (code: number) => void;
}

export interface RegisterOptions {
  /** Overrides `closeTimeoutMs` for this resource. */
  timeoutMs?: number;
}

export interface ShutdownOptions {
  /** The lowest exit code to use, e.g. 1 after a failed start; default 0. */
  exitCode?: number;
}

/**
 * The process lifecycle: resources registered in the order they were opened are closed in reverse order (intake
 * first, the clients it writes through last); readiness feeds `/readyz`.
 */
export interface Lifecycle {
  /** Registers a resource right after opening it. During shutdown it is closed at once instead. */
  register(name: string, close: CloseFn, options?: RegisterOptions): void;
  isReady(): boolean;
  setReady(isReady: boolean): void;
  isShuttingDown(): boolean;
  /**
   * Readiness false, optional drain delay, then each resource closed in reverse order with its timeout; exits 0 when
   * all closed cleanly, 1 when one failed or the grace period ran out. Idempotent: later calls get the same promise.
   * Resolves with the exit code.
   */
  shutdown(reason: string, options?: ShutdownOptions): Promise<number>;
}

interface Resource {
  name: string;
  close: CloseFn;
  timeoutMs: number | undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function withTimeout(
  work: () => Promise<void> | void,
  timeoutMs: number,
  timeoutError: Error,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(work), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Creates the lifecycle a service's main.ts registers its resources with; see {@link runService}. */
export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const {
    gracePeriodMs = 25_000,
    closeTimeoutMs = 10_000,
    drainDelayMs = 0,
    exit = (code: number) => process.exit(code),
  } = options;
  const logger = options.logger.child({ component: 'lifecycle' });
  const resources: Resource[] = [];
  let isReady = false;
  let stopping: Promise<number> | undefined;
  let hasExited = false;

  const exitOnce = (code: number) => {
    if (hasExited) return;
    hasExited = true;
    exit(code);
  };

  type CloseOutcome = 'closed' | 'failed' | 'out_of_time';

  const closeOne = async (resource: Resource, deadline: number): Promise<CloseOutcome> => {
    const startedAt = Date.now();
    const ownTimeoutMs = resource.timeoutMs ?? closeTimeoutMs;
    const remainingMs = deadline - startedAt;
    if (remainingMs <= 0) return 'out_of_time';
    const timeoutMs = Math.min(ownTimeoutMs, remainingMs);
    const timeoutError = new AppError(
      ErrorCode.UPSTREAM_TIMEOUT,
      `${resource.name} did not close within ${timeoutMs} ms`,
    );
    try {
      await withTimeout(resource.close, timeoutMs, timeoutError);
      logger.info({ resource: resource.name, duration_ms: Date.now() - startedAt }, 'resource closed');
      return 'closed';
    } catch (err) {
      logger.error(
        { err, resource: resource.name, event: LIFECYCLE_EVENTS.resourceCloseFailed },
        'resource close failed',
      );
      // A timeout cut short by the grace period (not by the resource's own timeout) means no time is left.
      return err === timeoutError && remainingMs < ownTimeoutMs ? 'out_of_time' : 'failed';
    }
  };

  // Every wait below is capped by the deadline, so the sequence ends within the grace period without a watchdog.
  const run = async (reason: string, minExitCode: number): Promise<number> => {
    const startedAt = Date.now();
    const deadline = startedAt + gracePeriodMs;
    isReady = false;
    logger.info({ reason, grace_period_ms: gracePeriodMs, resources: resources.length }, 'service stopping');
    if (drainDelayMs > 0) await sleep(Math.min(drainDelayMs, gracePeriodMs));

    let isClean = true;
    for (const resource of [...resources].reverse()) {
      const outcome = await closeOne(resource, deadline);
      if (outcome === 'out_of_time') {
        logger.error(
          {
            reason,
            grace_period_ms: gracePeriodMs,
            unclosed: resource.name,
            event: LIFECYCLE_EVENTS.shutdownTimedOut,
          },
          'shutdown grace period exceeded',
        );
        exitOnce(1);
        return 1;
      }
      isClean = outcome === 'closed' && isClean;
    }
    const code = Math.max(minExitCode, isClean ? 0 : 1);
    logger.info({ reason, exit_code: code, duration_ms: Date.now() - startedAt }, 'service stopped');
    exitOnce(code);
    return code;
  };

  return {
    register(name, close, registerOptions = {}) {
      const resource = { name, close, timeoutMs: registerOptions.timeoutMs };
      if (stopping) {
        // Opened by a start() that was still running when shutdown began: close it now rather than leak it.
        logger.warn({ resource: name }, 'resource registered during shutdown');
        void closeOne(resource, Date.now() + (registerOptions.timeoutMs ?? closeTimeoutMs));
        return;
      }
      resources.push(resource);
    },
    isReady: () => isReady,
    setReady(ready) {
      isReady = ready && !stopping;
    },
    isShuttingDown: () => stopping !== undefined,
    shutdown(reason, shutdownOptions = {}) {
      stopping ??= run(reason, shutdownOptions.exitCode ?? 0);
      return stopping;
    },
  };
}
