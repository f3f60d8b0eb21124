const m = () => { globalThis.gc?.(); const u = process.memoryUsage(); return `rss ${(u.rss/1e6).toFixed(0)} heapT ${(u.heapTotal/1e6).toFixed(0)} heap ${(u.heapUsed/1e6).toFixed(0)}` }
console.log('start', m())
for (const mod of process.argv.slice(2)) { await import(mod); console.log(mod, m()) }
