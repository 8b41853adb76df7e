// Scaffold: the content service is being written (see its issue); the all-in-one host starts hosting it once
// package.json declares "diaspora": { "service": "content", "export": "contentService" }.
export {};
