/** Reads a secret kept outside the lake (AWS Secrets Manager), by its ARN or name. */
export interface SecretReader {
  /** The secret's value; throws when it cannot be read (missing, not allowed). */
  read(ref: string): Promise<string>;
}
