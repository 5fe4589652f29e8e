import { AmqpProtocolError, ReplyCode } from './codec/errors.js';
import { MethodId } from './codec/generated/methods.js';
import type { AmqpChannel, Command } from './channel.js';
import { ConfirmTracker } from './confirm-tracker.js';
import { methodName } from './codec/method-names.js';

/**
 * Runs one channel-level method against the channel's session and writes its reply. Returns a promise
 * when the method waits on the core (the channel holds later methods back until it settles).
 * Methods a client may not send are 503 COMMAND_INVALID, as are methods RabbitMQ does not implement (540).
 */
export function performMethod(channel: AmqpChannel, { method, content }: Command): Promise<void> | void {
  const session = channel.session;
  switch (method.id) {
    case MethodId.BasicPublish: {
      if (method.args.immediate) throw new AmqpProtocolError(ReplyCode.NOT_IMPLEMENTED, 'immediate=true');
      return channel.publish(method.args, content!);
    }
    case MethodId.BasicAck:
      return session.ack(method.args.deliveryTag, method.args.multiple);
    case MethodId.BasicNack:
      return session.nack(method.args.deliveryTag, method.args.multiple, method.args.requeue);
    case MethodId.BasicReject:
      return session.reject(method.args.deliveryTag, method.args.requeue);
    case MethodId.BasicQos:
      session.qos(method.args.prefetchCount, method.args.global, method.args.prefetchSize);
      return channel.send({ id: MethodId.BasicQosOk, args: {} });
    case MethodId.BasicConsume: {
      const a = method.args;
      const tag = session.consume(
        a.queue,
        { consumerTag: a.consumerTag, noAck: a.noAck, exclusive: a.exclusive, arguments: a.arguments },
        channel.deliver,
        channel.consumerCancelled,
      );
      if (!a.nowait) channel.send({ id: MethodId.BasicConsumeOk, args: { consumerTag: tag } });
      return;
    }
    case MethodId.BasicCancel:
      session.cancel(method.args.consumerTag);
      if (!method.args.nowait) channel.send({ id: MethodId.BasicCancelOk, args: { consumerTag: method.args.consumerTag } });
      return;
    case MethodId.BasicGet:
      return session.get(method.args.queue, method.args.noAck).then((d) => {
        if (channel.state !== 'open') return;
        if (d === undefined) return channel.send({ id: MethodId.BasicGetEmpty, args: { clusterId: '' } });
        channel.sendContent(
          { id: MethodId.BasicGetOk, args: { deliveryTag: d.deliveryTag, redelivered: d.redelivered, exchange: d.exchange, routingKey: d.routingKey, messageCount: d.messageCount ?? 0 } },
          d.properties,
          d.body,
        );
      });
    case MethodId.BasicRecover:
      session.recover(method.args.requeue);
      return channel.send({ id: MethodId.BasicRecoverOk, args: {} });
    case MethodId.BasicRecoverAsync:
      return session.recover(method.args.requeue);

    case MethodId.ExchangeDeclare: {
      const a = method.args;
      const done = session.exchangeDeclare(a.exchange, { type: a.type, passive: a.passive, durable: a.durable, autoDelete: a.autoDelete, internal: a.internal, arguments: a.arguments });
      return a.nowait ? done : done.then(() => channel.send({ id: MethodId.ExchangeDeclareOk, args: {} }));
    }
    case MethodId.ExchangeDelete: {
      const done = session.exchangeDelete(method.args.exchange, { ifUnused: method.args.ifUnused });
      return method.args.nowait ? done : done.then(() => channel.send({ id: MethodId.ExchangeDeleteOk, args: {} }));
    }
    case MethodId.ExchangeBind: {
      const a = method.args;
      const done = session.exchangeBind(a.destination, a.source, a.routingKey, a.arguments);
      return a.nowait ? done : done.then(() => channel.send({ id: MethodId.ExchangeBindOk, args: {} }));
    }
    case MethodId.ExchangeUnbind: {
      const a = method.args;
      const done = session.exchangeUnbind(a.destination, a.source, a.routingKey, a.arguments);
      return a.nowait ? done : done.then(() => channel.send({ id: MethodId.ExchangeUnbindOk, args: {} }));
    }

    case MethodId.QueueDeclare: {
      const a = method.args;
      const done = session.queueDeclare(a.queue, { passive: a.passive, durable: a.durable, exclusive: a.exclusive, autoDelete: a.autoDelete, arguments: a.arguments });
      return done.then((ok) => {
        if (!a.nowait) channel.send({ id: MethodId.QueueDeclareOk, args: ok });
      });
    }
    case MethodId.QueueBind: {
      const a = method.args;
      const done = session.queueBind(a.queue, a.exchange, a.routingKey, a.arguments);
      return a.nowait ? done : done.then(() => channel.send({ id: MethodId.QueueBindOk, args: {} }));
    }
    case MethodId.QueueUnbind: {
      const a = method.args;
      return session.queueUnbind(a.queue, a.exchange, a.routingKey, a.arguments).then(() => channel.send({ id: MethodId.QueueUnbindOk, args: {} }));
    }
    case MethodId.QueuePurge:
      return session.queuePurge(method.args.queue).then((messageCount) => {
        if (!method.args.nowait) channel.send({ id: MethodId.QueuePurgeOk, args: { messageCount } });
      });
    case MethodId.QueueDelete: {
      const a = method.args;
      return session.queueDelete(a.queue, { ifUnused: a.ifUnused, ifEmpty: a.ifEmpty }).then((messageCount) => {
        if (!a.nowait) channel.send({ id: MethodId.QueueDeleteOk, args: { messageCount } });
      });
    }

    case MethodId.ConfirmSelect:
      if (channel.transactional) throw new AmqpProtocolError(ReplyCode.PRECONDITION_FAILED, 'cannot switch from tx to confirm mode');
      channel.confirms ??= new ConfirmTracker();
      if (!method.args.nowait) channel.send({ id: MethodId.ConfirmSelectOk, args: {} });
      return;
    case MethodId.TxSelect:
      if (channel.confirms) throw new AmqpProtocolError(ReplyCode.PRECONDITION_FAILED, 'cannot switch from confirm to tx mode');
      channel.transactional = true;
      session.txSelect();
      return channel.send({ id: MethodId.TxSelectOk, args: {} });
    case MethodId.TxCommit:
      if (!channel.transactional) throw new AmqpProtocolError(ReplyCode.PRECONDITION_FAILED, 'channel is not transactional');
      return session.txCommit().then(() => channel.send({ id: MethodId.TxCommitOk, args: {} }));
    case MethodId.TxRollback:
      if (!channel.transactional) throw new AmqpProtocolError(ReplyCode.PRECONDITION_FAILED, 'channel is not transactional');
      session.txRollback();
      return channel.send({ id: MethodId.TxRollbackOk, args: {} });

    case MethodId.ChannelFlow:
      session.flow(method.args.active);
      return channel.send({ id: MethodId.ChannelFlowOk, args: { active: method.args.active } });
    case MethodId.ChannelClose:
      return channel.closeByClient();
    case MethodId.ChannelOpen:
      throw new AmqpProtocolError(ReplyCode.CHANNEL_ERROR, `second 'channel.open' seen`);
    case MethodId.AccessRequest:
      return channel.send({ id: MethodId.AccessRequestOk, args: { ticket: 1 } });
    default:
      throw new AmqpProtocolError(ReplyCode.COMMAND_INVALID, `unimplemented method '${methodName(method.id)}' on a channel`);
  }
}
