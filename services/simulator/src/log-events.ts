/** Stable `event` values of the simulator's log lines that operators alert on or search for (STYLE.md). */
export const LOG_EVENTS = {
  publishFailed: 'simulator.publish.failed',
  publishAbandoned: 'simulator.publish.abandoned',
  fleetStarted: 'simulator.fleet.started',
  fleetStopped: 'simulator.fleet.stopped',
  fleetReset: 'simulator.fleet.reset',
  rateChanged: 'simulator.rate.changed',
  faultInjected: 'simulator.fault.injected',
  faultCleared: 'simulator.fault.cleared',
  replayStarted: 'simulator.replay.started',
  replayFinished: 'simulator.replay.finished',
  replayFailed: 'simulator.replay.failed',
} as const;
