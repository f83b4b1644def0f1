import { AppError, ErrorCode } from '@industrialmind/errors';
import {
  exportPlant,
  importPlant,
  type GraphNode,
  type GraphRelation,
  type GraphStore,
} from '@industrialmind/graph-store';
import { validate } from '@industrialmind/http';
import { Router, type RequestHandler } from 'express';
import {
  HopsQuery,
  IdParams,
  ImpactQuery,
  ImportQuery,
  ListNodesQuery,
  NodeBody,
  NodePatchBody,
  RelationBody,
  RelationKeyQuery,
} from './schemas';

export interface GraphRoutesDeps {
  store: GraphStore;
  /** Guard for routes that change the graph (requireRole in the full deployment, a pass-through otherwise). */
  canWrite: RequestHandler;
}

const nodeJson = (n: GraphNode) => ({ id: n.id, kind: n.kind, properties: n.properties });
const relationJson = (r: GraphRelation) => ({
  type: r.type,
  from: r.from,
  to: r.to,
  properties: r.properties,
});

async function equipmentOrThrow(store: GraphStore, id: string): Promise<GraphNode> {
  const node = await store.getNode(id);
  if (!node || node.kind !== 'Equipment') {
    throw new AppError(ErrorCode.NOT_FOUND, `no equipment ${id}`, {
      details: [{ path: 'id', message: 'not found' }],
    });
  }
  return node;
}

/**
 * The graph over REST. Node ids may contain "/" (`pump-001/bearing`): clients percent-encode them in paths.
 *   POST/GET /nodes, GET/PATCH/DELETE /nodes/:id, POST/GET/DELETE /relations (?type&from&to)
 *   GET /machines/:id/components | sensors | upstream?hops | downstream?hops, GET /components/:id/impact?hops
 *   POST /plant/import?replace, GET /plant/export
 */
export function graphRouter(deps: GraphRoutesDeps): Router {
  const { store, canWrite } = deps;
  const router = Router();

  router.post('/nodes', canWrite, validate({ body: NodeBody }), async (req, res) => {
    res.status(201).json(nodeJson(await store.createNode(req.body)));
  });
  router.get('/nodes', validate({ query: ListNodesQuery }), async (req, res) => {
    const q = req.query;
    const nodes = await store.listNodes({
      limit: q.limit,
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.after ? { afterId: q.after } : {}),
    });
    res.json({ nodes: nodes.map(nodeJson), next_after: nodes.length === q.limit ? nodes.at(-1)!.id : null });
  });
  router.get('/nodes/:id', validate({ params: IdParams }), async (req, res) => {
    const node = await store.getNode(req.params.id);
    if (!node) throw new AppError(ErrorCode.NOT_FOUND, `no node ${req.params.id}`);
    res.json(nodeJson(node));
  });
  router.patch(
    '/nodes/:id',
    canWrite,
    validate({ params: IdParams, body: NodePatchBody }),
    async (req, res) => {
      res.json(nodeJson(await store.updateNode(req.params.id, req.body.properties)));
    },
  );
  router.delete('/nodes/:id', canWrite, validate({ params: IdParams }), async (req, res) => {
    res.json({ deleted: req.params.id, relations_deleted: await store.deleteNode(req.params.id) });
  });

  router.post('/relations', canWrite, validate({ body: RelationBody }), async (req, res) => {
    res.status(201).json(relationJson(await store.createRelation(req.body)));
  });
  router.get('/relations', validate({ query: RelationKeyQuery }), async (req, res) => {
    const r = await store.getRelation(req.query.type, req.query.from, req.query.to);
    if (!r)
      throw new AppError(ErrorCode.NOT_FOUND, `no ${req.query.type} ${req.query.from} -> ${req.query.to}`);
    res.json(relationJson(r));
  });
  router.delete('/relations', canWrite, validate({ query: RelationKeyQuery }), async (req, res) => {
    await store.deleteRelation(req.query.type, req.query.from, req.query.to);
    res.status(204).end();
  });

  router.get('/machines/:id/components', validate({ params: IdParams }), async (req, res) => {
    await equipmentOrThrow(store, req.params.id);
    const reached = await store.traverse(req.params.id, {
      types: ['CONTAINS'],
      direction: 'out',
      maxHops: 1,
      kinds: ['Component'],
    });
    res.json({ machine_id: req.params.id, components: reached.map((r) => nodeJson(r.node)) });
  });
  router.get('/machines/:id/sensors', validate({ params: IdParams }), async (req, res) => {
    await equipmentOrThrow(store, req.params.id);
    const sensors = await store.traverse(req.params.id, {
      types: ['HAS_SENSOR'],
      direction: 'out',
      maxHops: 1,
      kinds: ['Sensor'],
    });
    const mounts = await store.expand(
      sensors.map((s) => s.node.id),
      { types: ['LOCATED_IN'], direction: 'out' },
    );
    const mountOf = new Map(mounts.relations.map((r) => [r.from, r.to]));
    res.json({
      machine_id: req.params.id,
      sensors: sensors.map((s) => ({ ...nodeJson(s.node), located_in: mountOf.get(s.node.id) ?? null })),
    });
  });
  for (const [route, direction] of [
    ['upstream', 'in'],
    ['downstream', 'out'],
  ] as const) {
    router.get(
      `/machines/:id/${route}`,
      validate({ params: IdParams, query: HopsQuery }),
      async (req, res) => {
        await equipmentOrThrow(store, req.params.id);
        const reached = await store.traverse(req.params.id, {
          types: ['FEEDS'],
          direction,
          maxHops: req.query.hops,
          kinds: ['Equipment'],
        });
        res.json({
          machine_id: req.params.id,
          hops: req.query.hops,
          [route]: reached.map((r) => ({ ...nodeJson(r.node), hops: r.hops, path: r.path })),
        });
      },
    );
  }
  router.get(
    '/components/:id/impact',
    validate({ params: IdParams, query: ImpactQuery }),
    async (req, res) => {
      const component = await store.getNode(req.params.id);
      if (!component || component.kind !== 'Component') {
        throw new AppError(ErrorCode.NOT_FOUND, `no component ${req.params.id}`);
      }
      const reached = await store.traverse(req.params.id, {
        types: ['AFFECTS'],
        direction: 'out',
        maxHops: req.query.hops,
      });
      res.json({
        component_id: req.params.id,
        // The impact of a chain is the product of its AFFECTS impacts: a motor (0.3) on a bearing (0.9) on vibration.
        impacted: reached
          .map((r) => ({
            ...nodeJson(r.node),
            hops: r.hops,
            impact:
              Math.round(r.relations.reduce((p, rel) => p * Number(rel.properties.impact ?? 0), 1) * 1000) /
              1000,
            path: r.path,
          }))
          .sort((a, b) => b.impact - a.impact || (a.id < b.id ? -1 : 1)),
      });
    },
  );

  router.post('/plant/import', canWrite, validate({ query: ImportQuery }), async (req, res) => {
    const result = await importPlant(store, req.body, { replace: req.query.replace === 'true' });
    res.json({ imported: result });
  });
  router.get('/plant/export', async (_req, res) => {
    res.json(await exportPlant(store, 'exported plant'));
  });

  return router;
}
