@400000006b04b49500000000 delivery 37: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04b49500000000 status: local 0/10 remote 0/20
@400000006b04b76a00000000 starting delivery 159: msg 918210 to remote erin@example.net
@400000006b04b76a00000000 status: local 0/10 remote 1/20
@400000006b04b7a700000000 warning: trouble injecting bounce message, will try later
@400000006b04b7b500000000 delivery 159: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04b7b500000000 status: local 0/10 remote 0/20
@400000006b04b8fa00000000 starting delivery 109: msg 918205 to local alice@example.com
@400000006b04b8fa00000000 status: local 1/10 remote 0/20
@400000006b04b8fa00000000 starting delivery 126: msg 918207 to remote erin@example.net
@400000006b04b8fa00000000 status: local 0/10 remote 1/20
@400000006b04b8fa08f0d180 delivery 109: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b04b8fa08f0d180 status: local 0/10 remote 0/20
@400000006b04b94500000000 delivery 126: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04b94500000000 status: local 0/10 remote 0/20
@400000006b04bc7e00000000 starting delivery 66: msg 918202 to local bob@example.com
@400000006b04bc7e00000000 status: local 1/10 remote 0/20
@400000006b04bc7e08f0d180 delivery 66: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b04bc7e08f0d180 status: local 0/10 remote 0/20
@400000006b04bdaa00000000 starting delivery 85: msg 918204 to remote erin@example.net
@400000006b04bdaa00000000 status: local 0/10 remote 1/20
@400000006b04bdaa00000000 starting delivery 145: msg 918208 to local dave@example.com
@400000006b04bdaa00000000 status: local 1/10 remote 0/20
@400000006b04bdaa08f0d180 delivery 145: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b04bdaa08f0d180 status: local 0/10 remote 0/20
@400000006b04bdf500000000 delivery 85: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04bdf500000000 status: local 0/10 remote 0/20
@400000006b04c25a00000000 starting delivery 160: msg 918210 to remote erin@example.net
@400000006b04c25a00000000 status: local 0/10 remote 1/20
@400000006b04c2a500000000 delivery 160: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04c2a500000000 status: local 0/10 remote 0/20
@400000006b04c57a00000000 new msg 918211
@400000006b04c57a000f4240 info msg 918211: bytes 216 from <frank@example.net> qp 5410 uid 7791
@400000006b04c57a004c4b40 starting delivery 167: msg 918211 to local carol@example.com
@400000006b04c57a004c4b40 status: local 1/10 remote 0/20
@400000006b04c57a093d1cc0 delivery 167: deferral: Unable_to_switch_to_/home/carol:_file_does_not_exist._(#4.3.0)/
@400000006b04c57a093d1cc0 status: local 0/10 remote 0/20
@400000006b04c5b700000000 warning: trouble injecting bounce message, will try later
@400000006b04c5b700000000 warning: trouble injecting bounce message, will try later
@400000006b04c5de00000000 starting delivery 168: msg 918211 to local carol@example.com
@400000006b04c5de00000000 status: local 1/10 remote 0/20
@400000006b04c5de08f0d180 delivery 168: deferral: Unable_to_switch_to_/home/carol:_file_does_not_exist._(#4.3.0)/
@400000006b04c5de08f0d180 status: local 0/10 remote 0/20
@400000006b04c70a00000000 starting delivery 169: msg 918211 to local carol@example.com
@400000006b04c70a00000000 status: local 1/10 remote 0/20
@400000006b04c70a08f0d180 delivery 169: deferral: Unable_to_switch_to_/home/carol:_file_does_not_exist._(#4.3.0)/
@400000006b04c70a08f0d180 status: local 0/10 remote 0/20
@400000006b04c8fe00000000 starting delivery 110: msg 918205 to local alice@example.com
@400000006b04c8fe00000000 status: local 1/10 remote 0/20
@400000006b04c8fe00000000 starting delivery 146: msg 918208 to local dave@example.com
@400000006b04c8fe00000000 status: local 1/10 remote 0/20
@400000006b04c8fe00000000 starting delivery 170: msg 918211 to local carol@example.com
@400000006b04c8fe00000000 status: local 1/10 remote 0/20
@400000006b04c8fe08f0d180 delivery 110: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b04c8fe08f0d180 status: local 0/10 remote 0/20
@400000006b04c8fe08f0d180 delivery 146: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b04c8fe08f0d180 status: local 0/10 remote 0/20
@400000006b04c8fe08f0d180 delivery 170: deferral: Unable_to_switch_to_/home/carol:_file_does_not_exist._(#4.3.0)/
@400000006b04c8fe08f0d180 status: local 0/10 remote 0/20
@400000006b04cbba00000000 starting delivery 171: msg 918211 to local carol@example.com
@400000006b04cbba00000000 status: local 1/10 remote 0/20
@400000006b04cbba08f0d180 delivery 171: deferral: Unable_to_switch_to_/home/carol:_file_does_not_exist._(#4.3.0)/
@400000006b04cbba08f0d180 status: local 0/10 remote 0/20
@400000006b04cf3e00000000 starting delivery 172: msg 918211 to local carol@example.com
@400000006b04cf3e00000000 status: local 1/10 remote 0/20
@400000006b04cf3e08f0d180 delivery 172: deferral: Unable_to_switch_to_/home/carol:_file_does_not_exist._(#4.3.0)/
@400000006b04cf3e08f0d180 status: local 0/10 remote 0/20
@400000006b04d06a00000000 starting delivery 67: msg 918202 to local bob@example.com
@400000006b04d06a00000000 status: local 1/10 remote 0/20
@400000006b04d06a00000000 starting delivery 161: msg 918210 to remote erin@example.net
@400000006b04d06a00000000 status: local 0/10 remote 1/20
@400000006b04d06a08f0d180 delivery 67: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b04d06a08f0d180 status: local 0/10 remote 0/20
@400000006b04d0b500000000 delivery 161: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04d0b500000000 status: local 0/10 remote 0/20
@400000006b04d38a00000000 starting delivery 127: msg 918207 to remote erin@example.net
@400000006b04d38a00000000 status: local 0/10 remote 1/20
@400000006b04d38a00000000 starting delivery 173: msg 918211 to local carol@example.com
@400000006b04d38a00000000 status: local 1/10 remote 0/20
@400000006b04d38a08f0d180 delivery 173: deferral: Unable_to_switch_to_/home/carol:_file_does_not_exist._(#4.3.0)/
@400000006b04d38a08f0d180 status: local 0/10 remote 0/20
@400000006b04d3d500000000 delivery 127: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04d3d500000000 status: local 0/10 remote 0/20
@400000006b04d51a00000000 starting delivery 147: msg 918208 to local dave@example.com
@400000006b04d51a00000000 status: local 1/10 remote 0/20
@400000006b04d51a08f0d180 delivery 147: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b04d51a08f0d180 status: local 0/10 remote 0/20
@400000006b04d55700000000 warning: trouble injecting bounce message, will try later
@400000006b04d89e00000000 starting delivery 174: msg 918211 to local carol@example.com
@400000006b04d89e00000000 status: local 1/10 remote 0/20
@400000006b04d89e08f0d180 delivery 174: deferral: Unable_to_switch_to_/home/carol:_file_does_not_exist._(#4.3.0)/
@400000006b04d89e08f0d180 status: local 0/10 remote 0/20
@400000006b04d9ca00000000 starting delivery 111: msg 918205 to local alice@example.com
@400000006b04d9ca00000000 status: local 1/10 remote 0/20
@400000006b04d9ca08f0d180 delivery 111: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b04d9ca08f0d180 status: local 0/10 remote 0/20
@400000006b04da0700000000 warning: trouble injecting bounce message, will try later
@400000006b04de7a00000000 starting delivery 38: msg 918201 to remote erin@example.net
@400000006b04de7a00000000 status: local 0/10 remote 1/20
@400000006b04de7a00000000 starting delivery 175: msg 918211 to local carol@example.com
@400000006b04de7a00000000 status: local 1/10 remote 0/20
@400000006b04de7a08f0d180 delivery 175: deferral: Unable_to_switch_to_/home/carol:_file_does_not_exist._(#4.3.0)/
@400000006b04de7a08f0d180 status: local 0/10 remote 0/20
@400000006b04dec500000000 delivery 38: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04dec500000000 status: local 0/10 remote 0/20
@400000006b04e19a00000000 starting delivery 86: msg 918204 to remote erin@example.net
@400000006b04e19a00000000 status: local 0/10 remote 1/20
@400000006b04e19a00000000 starting delivery 162: msg 918210 to remote erin@example.net
@400000006b04e19a00000000 status: local 0/10 remote 1/20
@400000006b04e19a00000000 new msg 918212
@400000006b04e19a000f4240 info msg 918212: bytes 217 from <dave@example.com> qp 5451 uid 1004
@400000006b04e19a004c4b40 starting delivery 186: msg 918212 to remote nobody@example.org
@400000006b04e19a004c4b40 status: local 0/10 remote 1/20
@400000006b04e19a35f13440 delivery 186: failure: Sorry,_I_couldn't_find_any_host_named_example.org._(#5.1.2)/
@400000006b04e19a35f13440 status: local 0/10 remote 0/20
@400000006b04e19b00000000 warning: trouble injecting bounce message, will try later
@400000006b04e1e500000000 delivery 86: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04e1e500000000 status: local 0/10 remote 0/20
@400000006b04e1e500000000 delivery 162: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04e1e500000000 status: local 0/10 remote 0/20
@400000006b04e1fe00000000 starting delivery 148: msg 918208 to local dave@example.com
@400000006b04e1fe00000000 status: local 1/10 remote 0/20
@400000006b04e1fe08f0d180 delivery 148: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b04e1fe08f0d180 status: local 0/10 remote 0/20
@400000006b04e36700000000 warning: trouble injecting bounce message, will try later
@400000006b04e51e00000000 starting delivery 68: msg 918202 to local bob@example.com
@400000006b04e51e00000000 status: local 1/10 remote 0/20
@400000006b04e51e00000000 starting delivery 176: msg 918211 to local carol@example.com
@400000006b04e51e00000000 status: local 1/10 remote 0/20
@400000006b04e51e08f0d180 delivery 68: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b04e51e08f0d180 status: local 0/10 remote 0/20
@400000006b04e51e08f0d180 delivery 176: deferral: Unable_to_switch_to_/home/carol:_file_does_not_exist._(#4.3.0)/
@400000006b04e51e08f0d180 status: local 0/10 remote 0/20
@400000006b04e81700000000 warning: trouble injecting bounce message, will try later
@400000006b04eb5e00000000 starting delivery 112: msg 918205 to local alice@example.com
@400000006b04eb5e00000000 status: local 1/10 remote 0/20
@400000006b04eb5e08f0d180 delivery 112: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b04eb5e08f0d180 status: local 0/10 remote 0/20
@400000006b04ec8a00000000 starting delivery 177: msg 918211 to local carol@example.com
@400000006b04ec8a00000000 status: local 1/10 remote 0/20
@400000006b04ec8a08f0d180 delivery 177: deferral: Unable_to_switch_to_/home/carol:_file_does_not_exist._(#4.3.0)/
@400000006b04ec8a08f0d180 status: local 0/10 remote 0/20
@400000006b04ecc700000000 warning: trouble injecting bounce message, will try later
@400000006b04efaa00000000 starting delivery 149: msg 918208 to local dave@example.com
@400000006b04efaa00000000 status: local 1/10 remote 0/20
@400000006b04efaa08f0d180 delivery 149: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b04efaa08f0d180 status: local 0/10 remote 0/20
@400000006b04efe700000000 warning: trouble injecting bounce message, will try later
@400000006b04f13a00000000 starting delivery 128: msg 918207 to remote erin@example.net
@400000006b04f13a00000000 status: local 0/10 remote 1/20
@400000006b04f17700000000 warning: trouble injecting bounce message, will try later
@400000006b04f18500000000 delivery 128: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04f18500000000 status: local 0/10 remote 0/20
@400000006b04f4be00000000 starting delivery 178: msg 918211 to local carol@example.com
@400000006b04f4be00000000 status: local 1/10 remote 0/20
@400000006b04f4be08f0d180 delivery 178: deferral: Unable_to_switch_to_/home/carol:_file_does_not_exist._(#4.3.0)/
@400000006b04f4be08f0d180 status: local 0/10 remote 0/20
@400000006b04f5ea00000000 starting delivery 163: msg 918210 to remote erin@example.net
@400000006b04f5ea00000000 status: local 0/10 remote 1/20
@400000006b04f62700000000 warning: trouble injecting bounce message, will try later
@400000006b04f63500000000 delivery 163: deferral: Sorry,_I_wasn't_able_to_establish_an_SMTP_connection._(#4.4.1)/
@400000006b04f63500000000 status: local 0/10 remote 0/20
@400000006b04fa9a00000000 starting delivery 69: msg 918202 to local bob@example.com
@400000006b04fa9a00000000 status: local 1/10 remote 0/20
@400000006b04fa9a08f0d180 delivery 69: deferral: Unable_to_switch_to_/home/bob:_file_does_not_exist._(#4.3.0)/
@400000006b04fa9a08f0d180 status: local 0/10 remote 0/20
@400000006b04fad700000000 warning: trouble injecting bounce message, will try later
@400000006b04fdba00000000 starting delivery 113: msg 918205 to local alice@example.com
@400000006b04fdba00000000 status: local 1/10 remote 0/20
@400000006b04fdba00000000 starting delivery 179: msg 918211 to local carol@example.com
@400000006b04fdba00000000 status: local 1/10 remote 0/20
@400000006b04fdba00000000 new msg 918213
@400000006b04fdba000f4240 info msg 918213: bytes 217 from <dave@example.net> qp 5600 uid 7791
@400000006b04fdba004c4b40 starting delivery 187: msg 918213 to local gail@example.com
@400000006b04fdba004c4b40 status: local 1/10 remote 0/20
@400000006b04fdba08f0d180 delivery 113: deferral: Unable_to_switch_to_/home/alice:_file_does_not_exist._(#4.3.0)/
@400000006b04fdba08f0d180 status: local 0/10 remote 0/20
@400000006b04fdba08f0d180 delivery 179: deferral: Unable_to_switch_to_/home/carol:_file_does_not_exist._(#4.3.0)/
@400000006b04fdba08f0d180 status: local 0/10 remote 0/20
@400000006b04fdba093d1cc0 delivery 187: deferral: Temporary_error_on_maildir_delivery._(#4.3.0)/
@400000006b04fdba093d1cc0 status: local 0/10 remote 0/20
@400000006b04fe1e00000000 starting delivery 150: msg 918208 to local dave@example.com
@400000006b04fe1e00000000 status: local 1/10 remote 0/20
@400000006b04fe1e00000000 starting delivery 188: msg 918213 to local gail@example.com
@400000006b04fe1e00000000 status: local 1/10 remote 0/20
@400000006b04fe1e08f0d180 delivery 150: deferral: Unable_to_switch_to_/home/dave:_file_does_not_exist._(#4.3.0)/
@400000006b04fe1e08f0d180 status: local 0/10 remote 0/20
@400000006b04fe1e08f0d180 delivery 188: deferral: Temporary_error_on_maildir_delivery._(#4.3.0)/
@400000006b04fe1e08f0d180 status: local 0/10 remote 0/20
