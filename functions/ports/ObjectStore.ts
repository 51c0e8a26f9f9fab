/** The object-store port: a folder locally, S3 on AWS. Keys use "/" and may hold any Unicode. */
export interface ObjectStore {
  get(key: string): Promise<Uint8Array | null>;
  /** Writes atomically: readers see the whole object or none. `ifAbsent` refuses to replace one. */
  put(key: string, body: Uint8Array | string, options?: { ifAbsent?: boolean; contentType?: string }): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys under a prefix, with size and, where the store knows it, when last written. */
  list(prefix: string): AsyncIterable<{ key: string; size: number; modified?: Date }>;
}

/** `put` with ifAbsent found the key taken: two writers raced, or the object is immutable. */
export class ObjectExistsError extends Error {
  constructor(readonly key: string) {
    super(`object already exists: ${key}`);
    this.name = 'ObjectExistsError';
  }
}
