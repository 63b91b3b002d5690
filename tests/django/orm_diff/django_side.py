#!/usr/bin/python3
"""django_side.py DB ROWS QUERIES - Django's answers for the ORM differential.

Stores rows.json in a fresh SQLite file DB through Django's ORM (Debian's
python3-django, models below mirroring the Wick driver's), then runs each
query of QUERIES (one JSON object a line, see README) and prints
"name<TAB>answer" lines in the format wick_side prints them.
"""
import json
import os
import sys

import django
from django.conf import settings

DB, ROWS, QUERIES = sys.argv[1:4]
if os.path.exists(DB):
    os.unlink(DB)
settings.configure(
    INSTALLED_APPS=[], USE_TZ=False,
    DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3',
                           'NAME': DB}})
django.setup()

from django.db import connection, models  # noqa: E402
from django.db.models import Avg, Count, Max, Min, Q, Sum  # noqa: E402


class Category(models.Model):
    title = models.TextField()
    rank = models.IntegerField(null=True)

    class Meta:
        app_label = 'od'


class Item(models.Model):
    cat = models.ForeignKey(Category, null=True, on_delete=models.SET_NULL)
    n = models.IntegerField(null=True)
    m = models.IntegerField()
    price = models.FloatField(null=True)
    name = models.TextField(null=True)
    tag = models.TextField()
    flag = models.BooleanField()
    d = models.DateField(null=True)
    dt = models.DateTimeField(null=True)

    class Meta:
        app_label = 'od'


AGGS = {'count': Count, 'sum': Sum, 'min': Min, 'max': Max, 'avg': Avg}


def value(v):
    """A query-file value as Django takes it."""
    if isinstance(v, list):
        return [value(x) for x in v]
    return v


def build(ops):
    """The Q tree of a query's ops: groups as in Wick's wk_q_or/and/not."""
    stack = [('and', [])]
    for op in ops:
        kind = op[0]
        if kind in ('filter', 'exclude'):
            q = Q(**{op[1]: value(op[2])})
            stack[-1][1].append(~q if kind == 'exclude' else q)
        elif kind in ('or', 'and', 'not'):
            stack.append((kind, []))
        elif kind == 'end':
            gop, members = stack.pop()
            q = Q()
            for mq in members:
                q = (q | mq) if gop == 'or' else (q & mq)
            stack[-1][1].append(~q if gop == 'not' else q)
        else:
            raise ValueError('unknown op ' + kind)
    q = Q()
    for mq in stack[0][1]:
        q &= mq
    return q


def fmt(v):
    if v is None:
        return 'None'
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, float):
        return '%.6g' % v
    return str(v)


def answer(spec):
    qs = Item.objects.filter(build(spec.get('ops', [])))
    qs = qs.order_by(*(spec['order'].split(',') if 'order' in spec
                       else ['id']))
    if 'limit' in spec:
        lim, off = spec['limit']
        qs = qs[off:off + lim]
    if 'agg' in spec:
        fn, field = spec['agg']
        return fmt(qs.aggregate(x=AGGS[fn](field))['x'])
    if spec.get('count'):
        return 'count %d' % qs.count()
    return 'ids' + ''.join(' %d' % i for i in qs.values_list('id', flat=True))


def main():
    with connection.schema_editor() as editor:
        editor.create_model(Category)
        editor.create_model(Item)
    with open(ROWS, encoding='utf-8') as f:
        rows = json.load(f)
    for r in rows['category']:
        Category.objects.create(**r)
    for r in rows['item']:
        r = dict(r)
        r['cat_id'] = r.pop('cat')
        Item.objects.create(**r)
    with open(QUERIES, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            spec = json.loads(line)
            try:
                out = answer(spec)
            except Exception as e:  # Django refusing is an answer too
                print('%s: %s: %s' % (spec['q'], type(e).__name__, e),
                      file=sys.stderr)
                out = 'ERROR'
            print('%s\t%s' % (spec['q'], out))


main()
