// Scaffold: the event service is being written (see its issue); the all-in-one host starts hosting it once
// package.json declares "diaspora": { "service": "event", "export": "eventService" }.
export {};
