// Domain events of the messaging service: subjects messaging.<entity>.<verb>, defined with defineEvent as in users.ts.
export {};
