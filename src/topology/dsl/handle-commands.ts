// KStream.handleCommands(): the command handler node after the command stream (through a
// repartition topic first when its key changed), the aggregates' store and its
// idempotency store, and the two sinks: events to their topic, replies to the topic each
// command's `reply-to` header names.
import { DEFAULT_IDEMPOTENCY_RETAIN, commandReplySerde, idempotencyEntriesSerde } from "../command-handling.js";
import type { HandleCommandsOptions } from "../command-handling.js";
import { InvalidOperationError } from "../errors.js";
import { checkName } from "../legal-names.js";
import { NodePrefix } from "../node-names.js";
import type { ProcessorSupplier } from "../processor.js";
import { anySerde } from "./dsl-state.js";
import type { StreamState } from "./dsl-state.js";
import { commandHandlerSupplier } from "./processors/command-handler.js";
import type { CommandHandlerPlan } from "./processors/command-handler.js";
import { addRepartition, repartitionNames } from "./repartition.js";

type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;

/** Adds the command handler after the command stream `commands`; the state of the events' stream. */
export function addCommandHandler<K, V, C, S, E, R>(
  commands: StreamState<K, V>,
  options: HandleCommandsOptions<K, C, S, E, R>,
): StreamState<K, E> {
  const state = repartitionedForKeyedState(commands, options.store.name, options.key, "handleCommands()");
  const builder = state.builder;
  const keySerde = options.key ?? state.keySerde;
  const name =
    options.name === undefined
      ? builder.newProcessorName(NodePrefix.PROCESSOR)
      : checkName(options.name, "Processor name");
  const retain = options.idempotency === false ? 0 : (options.idempotency?.retain ?? DEFAULT_IDEMPOTENCY_RETAIN);
  if (!Number.isInteger(retain) || retain < 0) {
    throw new InvalidOperationError(
      `handleCommands() idempotency.retain must be a non-negative integer, got ${retain}`,
    );
  }
  const idempotencyStoreName = options.idempotency === false ? undefined : `${options.store.name}-idempotency`;
  const serdeHint = "give the command stream a {part} serde, or pass { key } to handleCommands()";
  builder.addStore({
    name: options.store.name,
    // The aggregates' reads come from memory; the handler forwards its events itself.
    caching: options.store.caching ?? true,
    keySerde: anySerde(keySerde),
    valueSerde: anySerde(options.store.value),
    ...(options.store.persistent !== undefined ? { persistent: options.store.persistent } : {}),
    ...(options.store.logging !== undefined ? { logging: options.store.logging } : {}),
    serdeHint,
  });
  if (idempotencyStoreName !== undefined) {
    builder.addStore({
      name: idempotencyStoreName,
      caching: options.store.caching ?? true,
      keySerde: anySerde(keySerde),
      valueSerde: anySerde(idempotencyEntriesSerde),
      internal: true,
      ...(options.store.persistent !== undefined ? { persistent: options.store.persistent } : {}),
      ...(options.store.logging !== undefined ? { logging: options.store.logging } : {}),
      serdeHint,
    });
  }
  const eventSink = builder.nameOr(NodePrefix.SINK, options.events.name);
  const replySink = builder.nameOr(NodePrefix.SINK, options.replies?.name);
  const plan: CommandHandlerPlan<K, C, S, E, R> = {
    options,
    storeName: options.store.name,
    idempotencyStoreName,
    retain,
    replySink,
    eventChildren: [],
  };
  builder.addProcessor({
    name,
    operation: "handle-commands",
    supplier: commandHandlerSupplier(plan) as AnySupplier,
    parents: [state.name],
    stores: idempotencyStoreName === undefined ? [options.store.name] : [options.store.name, idempotencyStoreName],
    commandHandler: { schema: options.command, keySerde: anySerde(keySerde) },
  });
  builder.addSink({
    name: eventSink,
    parents: [name],
    topic: options.events.topic,
    keySerde: anySerde(keySerde),
    valueSerde: anySerde(options.events.value),
    serdeHint: "pass { key } to handleCommands()",
  });
  const defaultTopic = options.replies?.topic;
  builder.addSink({
    name: replySink,
    parents: [name],
    topicExtractor: (record) => (record.value as { topic: string }).topic,
    extractorDescription: defaultTopic === undefined ? "reply-to header" : `reply-to header, else ${defaultTopic}`,
    keySerde: anySerde(keySerde),
    valueSerde: anySerde(commandReplySerde),
    serdeHint: "pass { key } to handleCommands()",
  });
  builder.onBuild(() => {
    plan.eventChildren = builder.childrenOf(name).filter((child) => child !== replySink);
  });
  return {
    builder,
    name,
    keySerde,
    valueSerde: options.events.value,
    sourceNodes: state.sourceNodes,
    repartitionRequired: false,
  };
}

/** The stream state to attach keyed state to: repartitioned first if the key changed upstream. */
function repartitionedForKeyedState<K, V>(
  state: StreamState<K, V>,
  prefix: string,
  keySerde: StreamState<K, V>["keySerde"],
  call: string,
): StreamState<K, V> {
  if (!state.repartitionRequired) return state;
  const names = repartitionNames(state.builder, prefix);
  const key = keySerde ?? state.keySerde;
  const source = addRepartition(state.builder, names, {
    parent: state.name,
    keySerde: key,
    valueSerde: state.valueSerde,
    serdeOrigin: call,
  });
  return { ...state, name: source, keySerde: key, sourceNodes: new Set([source]), repartitionRequired: false };
}
