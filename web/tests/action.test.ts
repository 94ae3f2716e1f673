// useAction: busy while it runs (and which row), the failure in words inline or in a toast; and
// confirmed(): true only when the person confirmed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { ApiError } from '@/api/client'
import { useAction } from '@/composables/useAction'
import { confirmed } from '@/lib/confirm'
import { setLocale } from '@/i18n'

beforeEach(() => setLocale('zh-CN'))
afterEach(() => {
  document.body.innerHTML = ''
})

describe('useAction', () => {
  it('is busy for the row it runs for, and gives back what the action returned', async () => {
    const { busy, running, run } = useAction()
    let finish!: (v: number) => void
    const done = run(() => new Promise<number>((r) => (finish = r)), 'row-7')
    expect(busy.value).toBe(true)
    expect(running.value).toBe('row-7')
    finish(42)
    expect(await done).toBe(42)
    expect(busy.value).toBe(false)
    expect(running.value).toBeNull()
  })

  it('puts a failure in words inline, calls onError first, and clears it on the next run', async () => {
    const seen: unknown[] = []
    const { busy, failure, run } = useAction({ inline: true, onError: (err) => seen.push(err) })
    const err = new ApiError(400, 'code_invalid', { code: 'code_invalid', tries_left: 2 })
    expect(await run(() => Promise.reject(err))).toBeUndefined()
    expect(failure.value).toBe('验证码不正确，还可以再试 2 次')
    expect(seen).toEqual([err])
    expect(busy.value).toBe(false)
    await run(async () => {
      expect(failure.value).toBe('')
    })
  })

  it('shows a failure in a toast by default, in the words asked for', async () => {
    const { failure, run } = useAction({ explain: () => '没有权限' })
    await run(() => Promise.reject(new ApiError(403, 'forbidden')))
    await flushPromises()
    expect(failure.value).toBe('')
    expect(document.body.querySelector('.van-toast')?.textContent).toBe('没有权限')
  })
})

describe('confirmed', () => {
  it('answers true on confirm and false on cancel', async () => {
    const yes = confirmed({ message: '删除吗？' })
    await flushPromises()
    ;(document.body.querySelector('.van-dialog__confirm') as HTMLElement).click()
    expect(await yes).toBe(true)
    const no = confirmed({ message: '删除吗？' })
    await flushPromises()
    const cancels = document.body.querySelectorAll('.van-dialog__cancel')
    ;(cancels[cancels.length - 1] as HTMLElement).click()
    expect(await no).toBe(false)
  })
})
