// exceljs's streaming parts, imported one by one (their package declares types for its index only).
declare module 'exceljs/lib/utils/iterate-stream.js' {
  const iterateStream: (stream: NodeJS.ReadableStream) => AsyncIterable<Buffer>;
  export default iterateStream;
}
declare module 'exceljs/lib/utils/parse-sax.js' {
  const parseSax: (iterable: AsyncIterable<Buffer>) => AsyncIterable<unknown[]>;
  export default parseSax;
}
declare module 'exceljs/lib/stream/xlsx/worksheet-reader.js' {
  export default class WorksheetReader {
    constructor(args: { workbook: unknown; id: number; iterator: AsyncIterable<Buffer>; options: Record<string, string> });
    [Symbol.asyncIterator](): AsyncIterator<unknown>;
  }
}
declare module 'exceljs/lib/xlsx/xform/book/workbook-xform.js' {
  export default class WorkbookXform {
    model: unknown;
    parseStream(stream: AsyncIterable<Buffer>): Promise<unknown>;
    parse(events: AsyncIterable<unknown[]>): Promise<unknown>;
  }
}
declare module 'exceljs/lib/xlsx/xform/core/relationships-xform.js' {
  export default class RelationshipsXform {
    parseStream(stream: AsyncIterable<Buffer>): Promise<unknown>;
    parse(events: AsyncIterable<unknown[]>): Promise<unknown>;
  }
}
declare module 'exceljs/lib/xlsx/xform/style/styles-xform.js' {
  export default class StyleManager {
    init(): void;
    parseStream(stream: AsyncIterable<Buffer>): Promise<unknown>;
    parse(events: AsyncIterable<unknown[]>): Promise<unknown>;
    getStyleModel(id: number): unknown;
  }
}
