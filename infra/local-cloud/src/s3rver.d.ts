// s3rver ships no types; this is the part the local cloud uses.
declare module 's3rver' {
  interface S3rverOptions {
    address?: string;
    port?: number;
    directory?: string;
    silent?: boolean;
    configureBuckets?: { name: string; configs: (string | Buffer)[] }[];
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<{ port: number; address: string }>;
    close(): Promise<void>;
    /** Every object created or removed, as an S3-like event (`{ Records: [...] }`). */
    on(event: 'event', listener: (event: import('aws-lambda').S3Event) => void): this;
  }
}
