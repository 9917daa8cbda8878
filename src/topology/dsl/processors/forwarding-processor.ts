// The base of the DSL's processors: it keeps the context init() hands over.
import type { Processor, ProcessorContext } from "../../processor.js";
import type { StreamRecord } from "../../record.js";

export abstract class ForwardingProcessor<KIn, VIn, KOut, VOut> implements Processor<KIn, VIn, KOut, VOut> {
  protected context!: ProcessorContext<KOut, VOut>;

  init(context: ProcessorContext<KOut, VOut>): void {
    this.context = context;
  }

  abstract process(record: StreamRecord<KIn, VIn>): void | Promise<void>;
}
