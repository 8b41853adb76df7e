// Scaffold: the messaging service is being written (see its issue); the all-in-one host starts hosting it once
// package.json declares "diaspora": { "service": "messaging", "export": "messagingService" }.
export {};
