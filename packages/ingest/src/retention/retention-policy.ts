/**
 * The retention policy a store applies: which class an event belongs to
 * (first matching class query wins, else `default`) and, per class, the
 * cutoff before which events are expired.
 */
import type { LogEvent } from '@logship/query/core';
import { DAY_MS, DEFAULT_CLASS, type RetentionConfig } from './retention-config.js';

/** Turns a class's query string into a predicate over events. */
export type ClassMatcherFactory = (query: string) => (event: LogEvent) => boolean;

export interface RetentionPolicy {
  /** Class names in precedence order, `default` last. */
  readonly classNames: readonly string[];
  classify(event: LogEvent): string;
  /** Retention in days; classes no longer configured fall back to the default. */
  daysOf(className: string): number;
  /** Events of this class with @timestamp < cutoff are expired at `now`. */
  cutoff(className: string, now: number): number;
}

export function createRetentionPolicy(config: RetentionConfig, compile: ClassMatcherFactory): RetentionPolicy {
  const classes = config.classes.map((c) => ({ name: c.name, days: c.days, test: compile(c.match) }));
  const days = new Map<string, number>(classes.map((c) => [c.name, c.days]));
  days.set(DEFAULT_CLASS, config.default_days);
  const daysOf = (className: string): number => days.get(className) ?? config.default_days;
  return {
    classNames: [...classes.map((c) => c.name), DEFAULT_CLASS],
    classify(event) {
      for (const c of classes) if (c.test(event)) return c.name;
      return DEFAULT_CLASS;
    },
    daysOf,
    cutoff: (className, now) => now - daysOf(className) * DAY_MS,
  };
}
