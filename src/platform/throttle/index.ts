export { assertNotThrottled, recordFailure, clearFailures, type ThrottleRule } from './throttle.ts';
