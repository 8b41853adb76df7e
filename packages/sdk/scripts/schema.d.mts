export declare const schemaFile: string;
export declare function renderSchema(document: URL | object): Promise<string>;
export declare function committedSchema(): string;
