// Stands in for @portkey-ai/gateway's build/start-server.js in tests: listens on --port=N, answers every request with
// one chat completion, and writes its pid next to itself once it listens, so a test can check the process is gone.
const http = require('http');
const fs = require('fs');
const port = Number(process.argv.find(a => a.startsWith('--port=')).slice('--port='.length));
const completion = JSON.stringify({id: 'chatcmpl-fake', object: 'chat.completion', created: 0, model: 'bench',
  choices: [{index: 0, message: {role: 'assistant', content: 'hi'}, finish_reason: 'stop'}],
  usage: {prompt_tokens: 1, completion_tokens: 1, total_tokens: 2}});
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, {'content-type': 'application/json'}); res.end(completion); });
}).listen(port, '127.0.0.1', () => fs.writeFileSync(__dirname + '/node.pid', String(process.pid)));
