/**
 * Whether `day` exists in `month` (1–12) of `year`: February 30th and
 * April 31st do not. Date.UTC and Date.parse carry such a day into the next
 * month (2026-02-30 is March 2nd), which would store an event days away
 * from when it happened, or drop it as expired; a time that names no day
 * is no time, as hour 25 is.
 */
export function isCalendarDay(year: number, month: number, day: number): boolean {
  if (!(month >= 1 && month <= 12 && day >= 1)) return false;
  if (day <= 28) return true;
  if (month === 2) return day === 29 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
}
