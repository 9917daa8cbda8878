import { InMemoryTaskStorage } from "../../src/stores/in-memory-task-storage.js";
import { taskStorageContract } from "./task-storage-contract.js";

taskStorageContract("InMemoryTaskStorage", async () => ({
  storage: new InMemoryTaskStorage("0_1"),
  dispose: async () => {},
}));
