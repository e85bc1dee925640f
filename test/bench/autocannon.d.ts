// autocannon ships no types; this is the part the benchmarks use.
declare module 'autocannon' {
  interface Result {
    requests: { average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
  }
  export default function autocannon(opts: {
    url: string;
    connections: number;
    duration: number;
  }): Promise<Result>;
}
