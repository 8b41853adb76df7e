// Domain events of the content service: subjects content.<entity>.<verb>, defined with defineEvent as in users.ts.
export {};
