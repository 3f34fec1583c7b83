/**
 * An in-memory store with the Workers KV shape (`get`, `put`, `delete`), for tests and
 * local use. Data lives as long as the object and is not shared between processes.
 */
export class MemoryStore {
  #entries = new Map();

  /** @param {string} key @returns {Promise<string | null>} */
  async get(key) {
    return this.#entries.has(key) ? this.#entries.get(key) : null;
  }

  /** @param {string} key @param {string} value @returns {Promise<void>} */
  async put(key, value) {
    this.#entries.set(key, String(value));
  }

  /**
   * Stores `value` only if `key` has none, in one step, and resolves to whether it
   * stored. jwtlib uses this to make registration race-free.
   * @param {string} key @param {string} value @returns {Promise<boolean>}
   */
  async putIfAbsent(key, value) {
    if (this.#entries.has(key)) return false;
    this.#entries.set(key, String(value));
    return true;
  }

  /** @param {string} key @returns {Promise<void>} */
  async delete(key) {
    this.#entries.delete(key);
  }

  /** Number of stored keys. */
  get size() {
    return this.#entries.size;
  }
}
