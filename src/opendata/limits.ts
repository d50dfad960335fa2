/**
 * How many downloads of requests may run at once, per client address and in all: each holds a
 * database reader and a connection for as long as the client keeps reading, so a client cannot
 * take them all from everyone else. Per process; the per-minute rate limit sits in front.
 */
export class ExportSlots {
  private readonly byClient = new Map<string, number>();
  private inAll = 0;

  constructor(readonly perClient: number, readonly total: number) {}

  /** A slot for this client, with the function that gives it back (once, however often it is called); or why not. */
  take(client: string): { release: () => void } | { refused: 'client' | 'server' } {
    const mine = this.byClient.get(client) ?? 0;
    if (mine >= this.perClient) return { refused: 'client' };
    if (this.inAll >= this.total) return { refused: 'server' };
    this.byClient.set(client, mine + 1);
    this.inAll++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.inAll--;
        const left = (this.byClient.get(client) ?? 1) - 1;
        if (left <= 0) this.byClient.delete(client); else this.byClient.set(client, left);
      },
    };
  }

  get running(): number { return this.inAll; }
}
