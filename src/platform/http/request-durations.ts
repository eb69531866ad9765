import type { Metric, Registry } from 'prom-client';

/** Upper bounds, in seconds, of the duration buckets. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Sample { metricName: string; labels: Record<string, string | number>; value: number }
interface Series { labels: { method: string; route: string; status: string }; counts: Float64Array; sum: number; count: number }

/**
 * The `http_request_duration_seconds` histogram, by method, route and status, kept by hand and shown by a Prometheus
 * registry in the same text as prom-client's own Histogram. prom-client's `observe` checks and hashes the label
 * object and looks buckets up by number-as-string on every call: about 4 µs of a 47 µs CKAN answer on this machine.
 * Here a request costs one string key, one Map look-up and one bucket scan.
 */
export class RequestDurations {
  readonly name = 'http_request_duration_seconds';
  readonly help = 'HTTP request duration by route and status';
  readonly type = 'histogram';
  readonly #series = new Map<string, Series>();

  constructor(registry: Registry) {
    // The registry only calls `get()` and reads name, help and type (prom-client's custom metric contract).
    registry.registerMetric(this as unknown as Metric);
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.#series.get(key);
    if (!series) {
      series = { labels: { method, route, status: String(status) }, counts: new Float64Array(BUCKETS.length), sum: 0, count: 0 };
      this.#series.set(key, series);
    }
    series.sum += seconds;
    series.count++;
    for (let i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]!) {
        series.counts[i]!++;
        break;
      }
    }
  }

  /** Cumulative buckets with `le` as Prometheus expects, then `_sum` and `_count`, per series. */
  async get() {
    const values: Sample[] = [];
    for (const { labels, counts, sum, count } of this.#series.values()) {
      let cumulative = 0;
      BUCKETS.forEach((le, i) => {
        cumulative += counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le, ...labels }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...labels }, value: count });
      values.push({ metricName: `${this.name}_sum`, labels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels, value: count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }
}
