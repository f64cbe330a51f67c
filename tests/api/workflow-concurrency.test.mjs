// Concurrency on one countersign step: requests fired at the same moment against a real server
// (4 worker threads, one SQLite store). Whatever order the server serialises them in, the outcome
// must be one of the orders' outcomes, the step completes exactly once, and the todo rows mirror
// the engine's pending items exactly (no lost or duplicated work).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, bearer, sql } from '../lib/server.mjs'

process.env.JIANWU_FAKE_NOW = '2026-03-02T09:00:00+08:00'

const ROUNDS = 8
let srv, id
const as = {}

before(async () => {
  srv = await startServer({ demo: true })
  for (const u of ['chenj', 'liuy', 'huangt', 'zhaol', 'wangq', 'lihm']) as[u] = await bearer(srv, u)
  id = Object.fromEntries(JSON.parse(sql(srv.dbPath, 'SELECT id, username FROM app_user')).map((u) => [u.username, u.id]))
  // 出差 becomes: a countersign of three people, then the 分管领导
  const res = await as.wangq.post('/api/v1/workflows/definitions', {
    key: 'trip', name: '出差审批（会签）', resubmit: 'continue', version: 1,
    steps: [
      { id: 'cs', name: '部门会签', kind: 'countersign', assignee: { rule: 'users', users: [id.liuy, id.huangt, id.zhaol] } },
      { id: 'leader', name: '分管领导审批', kind: 'single', assignee: { rule: 'leader_in_charge' } },
    ],
  })
  assert.equal(res.status, 201, JSON.stringify(res.body))
})
after(async () => { await srv.stop() })

const trip = { destination: '北京', start_date: '2026-03-09', end_date: '2026-03-11', purpose: '参加培训', estimated_cost: 3000 }
const act = (who, inst, body) => as[who].post(`/api/v1/workflows/instances/${inst}/actions`, body)
const show = async (inst) => (await as.wangq.get(`/api/v1/workflows/instances/${inst}`)).body

async function newTrip() {
  const res = await as.chenj.post('/api/v1/workflows/instances', { def_key: 'trip', form: trip })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body
}

// The engine's pending items, the todo rows and the list of pending people agree; nobody holds
// two open items; running <=> someone holds pending work.
async function consistent(instId) {
  const inst = await show(instId)
  const fromItems = inst.items.filter((i) => i.state === 'pending').map((i) => i.user.id).sort()
  const rows = JSON.parse(sql(srv.dbPath, `SELECT user_id, item_id, state FROM todo WHERE instance_id = ${instId}`) || '[]')
  const fromRows = rows.filter((r) => r.state === 'pending').map((r) => r.user_id).sort()
  assert.deepEqual(fromRows, fromItems, 'todo rows mirror pending items')
  assert.deepEqual(inst.pending.map((p) => p.id).sort(), fromItems)
  assert.equal(rows.length, inst.items.length, 'one row per item')
  for (const it of inst.items) {
    const row = rows.find((r) => r.item_id === it.id)
    const want = it.state === 'done' && it.outcome === 'escalated' ? 'cancelled' : it.state
    assert.equal(row.state, want, `item ${it.id}`)
  }
  const open = inst.items.filter((i) => i.state === 'pending' || i.state === 'waiting').map((i) => i.user.id)
  assert.equal(new Set(open).size, open.length, 'at most one open item per person')
  assert.equal(inst.state === 'running' || inst.state === 'returned', fromItems.length > 0)
  return inst
}

const stepDone = (inst, stepId) => inst.history.filter((h) => h.event === 'step_done' && h.step === inst.steps.find((s) => s.id === stepId).index).length

test('two countersigners approving at once (no version): both count, the step waits for the third', async () => {
  for (let i = 0; i < ROUNDS; i++) {
    const inst = await newTrip()
    const [a, b] = await Promise.all([
      act('liuy', inst.id, { action: 'approve', opinion: '同意' }),
      act('huangt', inst.id, { action: 'approve', opinion: '同意' }),
    ])
    assert.deepEqual([a.status, b.status], [200, 200])
    let cur = await consistent(inst.id)
    assert.deepEqual(cur.pending.map((p) => p.name), ['赵丽'])
    const c = await act('zhaol', inst.id, { action: 'approve', opinion: '同意' })
    assert.equal(c.status, 200)
    cur = await consistent(inst.id)
    assert.deepEqual(cur.pending.map((p) => p.name), ['李红梅'])
    assert.equal(stepDone(cur, 'cs'), 1)
  }
})

test('all three countersigners at once: the step completes exactly once', async () => {
  for (let i = 0; i < ROUNDS; i++) {
    const inst = await newTrip()
    const res = await Promise.all(['liuy', 'huangt', 'zhaol'].map((u) => act(u, inst.id, { action: 'approve', opinion: '同意' })))
    assert.deepEqual(res.map((r) => r.status), [200, 200, 200])
    const cur = await consistent(inst.id)
    assert.equal(stepDone(cur, 'cs'), 1)
    assert.deepEqual(cur.pending.map((p) => p.name), ['李红梅'])
    assert.equal(cur.items.filter((it) => it.step_name === '分管领导审批').length, 1)
  }
})

test('two approvers with the same version: exactly one wins, the other gets 409 and retries', async () => {
  for (let i = 0; i < ROUNDS; i++) {
    const inst = await newTrip()
    const v = inst.version
    const res = await Promise.all(['liuy', 'huangt'].map((u) => act(u, inst.id, { action: 'approve', opinion: '同意', version: v })))
    assert.deepEqual(res.map((r) => r.status).sort(), [200, 409])
    const loser = res[0].status === 409 ? 'liuy' : 'huangt'
    const fresh = await show(inst.id)
    assert.equal(fresh.version, v + 1)
    assert.equal((await act(loser, inst.id, { action: 'approve', opinion: '同意', version: fresh.version })).status, 200)
    const cur = await consistent(inst.id)
    assert.deepEqual(cur.pending.map((p) => p.name), ['赵丽'])
  }
})

test('approve racing a return on the same countersign step: returned either way, no work lost', async () => {
  for (let i = 0; i < ROUNDS; i++) {
    const inst = await newTrip()
    const [a, r] = await Promise.all([
      act('liuy', inst.id, { action: 'approve', opinion: '同意' }),
      act('huangt', inst.id, { action: 'return', to: 'initiator', opinion: '请补充培训通知' }),
    ])
    assert.equal(r.status, 200)
    // after the return the instance is no longer running: 409
    assert.ok([200, 409].includes(a.status), `approve got ${a.status}`)
    let cur = await consistent(inst.id)
    assert.equal(cur.state, 'returned')
    assert.deepEqual(cur.pending.map((p) => p.name), ['陈杰'])
    const re = await act('chenj', inst.id, { action: 'resubmit', opinion: '已补充' })
    assert.equal(re.status, 200)
    cur = await consistent(inst.id)
    assert.deepEqual(cur.pending.map((p) => p.name).sort(), ['刘洋', '赵丽', '黄涛'].sort(), 'a new activation: every signer again')
  }
})

test('transfer during countersign racing another signer\'s approval, then add-signer and reject', async () => {
  for (let i = 0; i < ROUNDS; i++) {
    const inst = await newTrip()
    const [t, a] = await Promise.all([
      act('liuy', inst.id, { action: 'transfer', target: id.wangq, opinion: '请王强代为会签' }),
      act('huangt', inst.id, { action: 'approve', opinion: '同意' }),
    ])
    assert.deepEqual([t.status, a.status], [200, 200])
    let cur = await consistent(inst.id)
    assert.deepEqual(cur.pending.map((p) => p.name).sort(), ['王强', '赵丽'].sort())
    const [s, w] = await Promise.all([
      act('zhaol', inst.id, { action: 'add_signer', position: 'before', target: id.lihm, opinion: '请李红梅先看' }),
      act('wangq', inst.id, { action: 'approve', opinion: '同意' }),
    ])
    assert.deepEqual([s.status, w.status], [200, 200])
    cur = await consistent(inst.id)
    assert.deepEqual(cur.pending.map((p) => p.name), ['李红梅'])
    const rej = await act('lihm', inst.id, { action: 'reject', opinion: '经费不足' })
    assert.equal(rej.status, 200)
    cur = await consistent(inst.id)
    assert.equal(cur.state, 'rejected')
    assert.deepEqual(cur.pending, [])
  }
})

test('withdraw racing the first approval: exactly one of them happens', async () => {
  for (let i = 0; i < ROUNDS; i++) {
    const inst = await newTrip()
    const [w, a] = await Promise.all([
      act('chenj', inst.id, { action: 'withdraw' }),
      act('liuy', inst.id, { action: 'approve', opinion: '同意' }),
    ])
    assert.deepEqual([w.status, a.status].sort(), [200, 409])
    const cur = await consistent(inst.id)
    assert.equal(cur.state, w.status === 200 ? 'withdrawn' : 'running')
  }
})

test('the 待办/已办 counters equal a recount after all those races', () => {
  const kept = sql(srv.dbPath, "SELECT user_id, state, kind, n FROM todo_count WHERE n <> 0 ORDER BY user_id, state, kind")
  const recount = sql(srv.dbPath, "SELECT user_id, state, kind, count(*) AS n FROM todo WHERE state IN ('pending', 'done') GROUP BY user_id, state, kind ORDER BY user_id, state, kind")
  assert.ok(JSON.parse(kept).length > 0)
  assert.equal(kept, recount)
})
