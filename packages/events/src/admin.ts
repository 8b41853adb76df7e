// Domain events of the admin service: subjects admin.<entity>.<verb>, defined with defineEvent as in users.ts.
export {};
