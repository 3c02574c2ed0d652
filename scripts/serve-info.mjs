// Printed by `npm start` before the server starts: where to point a browser.
console.log('\npackscope: open http://localhost:5173/#/demo/overview for the embedded demo repository,');
console.log('          or http://localhost:5173/ to open a folder of your own.\n');
