/**
 * One IndexedDB object store the studio keeps something in (the project, past runs): each call opens the
 * database, runs one transaction and closes it again, so no connection outlives the call.
 */
export interface IdbStore {
  /** Runs `body` in one transaction; resolves with its request's result once the transaction completes. */
  run<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T>;
  /** Runs `body` in one transaction that may issue several requests; resolves once it completes. */
  transact(mode: IDBTransactionMode, body: (store: IDBObjectStore) => void): Promise<void>;
}

export function idbStore(dbName: string, storeName: string, options?: IDBObjectStoreParameters): IdbStore {
  const open = (): Promise<IDBDatabase> =>
    new Promise((resolve, reject) => {
      const req = indexedDB.open(dbName, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(storeName, options);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error("IndexedDB: open failed"));
    });
  const transact = async (mode: IDBTransactionMode, body: (store: IDBObjectStore) => void): Promise<void> => {
    const db = await open();
    try {
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction(storeName, mode);
        body(tx.objectStore(storeName));
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error ?? new Error("IndexedDB: transaction failed"));
        tx.onabort = () => reject(tx.error ?? new Error("IndexedDB: transaction aborted"));
      });
    } finally {
      db.close();
    }
  };
  return {
    transact,
    async run<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
      let req: IDBRequest<T> | undefined;
      await transact(mode, (store) => {
        req = body(store);
      });
      if (!req) throw new Error("IndexedDB: no request made");
      return req.result;
    },
  };
}
